# The operator image: build with the full toolchain, ship only dist/ and production dependencies on a
# distroless Node 20 image running as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER nonroot
# The base image's entrypoint is node; the Deployment passes the command (e.g. `controller`).
ENTRYPOINT ["/nodejs/bin/node", "dist/cli/main.js"]
