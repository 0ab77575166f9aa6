# A static build of the bot in an image with nothing else: no shell, no
# package manager, a non-root user.
#
#   docker build -t newsbot .
#   docker run --env-file .env -v newsbot-data:/data -v "$PWD/seeds:/seeds:ro" newsbot
#   docker exec CONTAINER /newsbot stats
#
# METRICS_ADDR=:9464 serves /metrics and /healthz inside the container, for
# the health check below; publish it to loopback only if at all
# (-p 127.0.0.1:9464:9464). An env file that sets METRICS_ADDR= (empty)
# turns it off, and the health check then reports unhealthy.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# content imports time/tzdata, so the image needs no zoneinfo.
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/newsbot ./cmd/bot
RUN mkdir -p /out/data && chown 65532:65532 /out/data

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/newsbot /newsbot
COPY --from=build --chown=65532:65532 /out/data /data
COPY seeds /seeds
USER 65532:65532
ENV SEEDS_DIR=/seeds DB_PATH=/data/bot.db METRICS_ADDR=:9464
VOLUME ["/data"]
EXPOSE 9464
# The image has no shell and no curl: the bot asks its own /healthz. The
# start period covers the first scan of a large seeds folder.
HEALTHCHECK --interval=30s --timeout=10s --start-period=2m --retries=3 CMD ["/newsbot", "healthcheck"]
# SIGTERM (docker stop) lets in-flight sends finish and be recorded.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/newsbot"]
CMD ["run"]
