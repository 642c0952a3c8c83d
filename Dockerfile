# Sextant's image: the service and CLI (`sextant serve | backfill | ... | demo-workload`).
# Build stage compiles TypeScript with the dev dependencies; the runtime stage gets only the compiled
# code and production dependencies, runs as the unprivileged `node` user, and keeps DuckDB on a volume.
# Debian (glibc), not Alpine: DuckDB's Node bindings ship as glibc builds.
FROM node:22.19.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
# Every workspace's manifest, so npm ci finds the lock file in sync; only the core and the service are
# installed (the Grafana plugin is built outside the image and mounted into Grafana).
COPY src/package.json src/
COPY exporter/package.json exporter/
COPY plugins/sextant-app/package.json plugins/sextant-app/
RUN npm ci --workspace src --workspace exporter --include-workspace-root --no-audit --no-fund
COPY src src
COPY exporter exporter
RUN npm run build && npm prune --omit=dev --workspace src --workspace exporter --include-workspace-root --no-audit --no-fund

FROM node:22.19.0-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/src/package.json src/
COPY --from=build /app/src/dist src/dist
COPY --from=build /app/exporter/package.json exporter/
COPY --from=build /app/exporter/dist exporter/dist
COPY --from=build /app/exporter/bin exporter/bin
# The warehouse file lives on /var/lib/sextant; the config is mounted at /etc/sextant/sextant.yaml.
RUN mkdir -p /var/lib/sextant /etc/sextant && chown node:node /var/lib/sextant
USER node
VOLUME ["/var/lib/sextant"]
EXPOSE 9890
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9890/-/healthy').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "exporter/bin/sextant.js"]
CMD ["serve", "--config", "/etc/sextant/sextant.yaml"]
