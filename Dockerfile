# The operator image: build with the full toolchain, ship only dist/ (compiled JavaScript) and the
# production dependencies on a distroless Node 26 image running as a non-root user.
# The base images are build arguments so a build can use local stand-ins for them; the defaults are
# the public images for the Node major pinned in scripts/node/ensure-node.sh.
ARG NODE_IMAGE=node:26-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs26-debian12:nonroot

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER nonroot
# The compiled CLI, never the tsx loader; the Deployment passes the subcommand (e.g. `controller`).
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli/main.js"]
