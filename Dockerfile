# syntax=docker/dockerfile:1
# MailGateway container: docker build -t mailgateway . && docker run -p 8080:8080 mailgateway
# (configuration through environment variables, e.g. Authentication__Provider, AzureAd__ClientId, Redis__Configuration).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# npm: the build bundles the /demo page's browser libraries (demo-ui/package-lock.json) when demo-ui/ exists.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Restore first so the package layer is cached while only sources change.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY src/MailGateway.Imap/MailGateway.Imap.csproj src/MailGateway.Imap/
COPY src/MailGateway.Api/MailGateway.Api.csproj src/MailGateway.Api/
# ReadyToRun for the image's architecture (TARGETARCH, set by BuildKit: amd64 or arm64): the gateway's own code and its
# packages start precompiled instead of being compiled by the JIT while the instance starts. Startup to healthy,
# 8 runs each on the 2-core dev machine (./build.sh bench --startup; README "Operations"): 1.87 s median wall and
# 1.02 s CPU as plain build output, 1.01 s and 0.74 s published ReadyToRun. Costs about 30 MB more image.
ARG TARGETARCH
RUN dotnet restore src/MailGateway.Api/MailGateway.Api.csproj -a "${TARGETARCH:-amd64}" -p:PublishReadyToRun=true
# Everything else the publish needs (src/, demo-ui/ if present); .dockerignore keeps tests, tools and outputs out.
COPY . .
RUN dotnet publish src/MailGateway.Api/MailGateway.Api.csproj -c Release --no-restore -a "${TARGETARCH:-amd64}" \
    --self-contained false -o /app -p:UseAppHost=false -p:PublishReadyToRun=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
# curl only for the HEALTHCHECK below.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# Workstation GC: the gateway is I/O bound and the idle-memory target (DESIGN §8) matters more than GC throughput.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_gcServer=0
EXPOSE 8080
# The non-root account the .NET images ship (uid 1654).
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "MailGateway.Api.dll"]
