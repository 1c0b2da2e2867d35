# The operator image: build with the full toolchain, ship only the bundle (dist/restpath-operator.mjs:
# the compiled JavaScript and the production dependencies it imports, scripts/build/bundle.ts), the
# list of the packages in it and their licenses, on a distroless Node 26 image as a non-root user.
# The base images are build arguments so a build can use local stand-ins for them; the defaults are
# the public images for the Node major pinned in scripts/node/ensure-node.sh.
ARG NODE_IMAGE=node:26-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs26-debian12:nonroot

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build ./scripts/build
COPY src ./src
RUN npm run build

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app/dist/restpath-operator.mjs /app/dist/restpath-operator.packages.json /app/dist/restpath-operator.licenses.txt ./
USER nonroot
# The compiled bundle, never the tsx loader; the Deployment passes the subcommand (e.g. `controller`).
# --max-semi-space-size=1: see deploy/deployment.yaml.
ENTRYPOINT ["/nodejs/bin/node", "--max-semi-space-size=1", "/app/restpath-operator.mjs"]
