# ValueStreams: one container serving the API, the Blazor UI and the Hangfire server.
# Build:  docker build -t valuestreams .      Run with PostgreSQL: docker compose up --build

# ---- build stage -------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Central build settings and package versions first, then the projects the host is built from
# (src/ and designer/; tests and benchmarks are not part of the image).
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY designer/ designer/

RUN dotnet restore src/ValueStreams.Host/ValueStreams.Host.csproj
RUN dotnet publish src/ValueStreams.Host/ValueStreams.Host.csproj \
        --configuration Release --no-restore --output /app /p:UseAppHost=false

# ---- runtime stage -----------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# /app is the product root: the published host plus the top-level appsettings.json and workflows/.
COPY --from=build /app ./
COPY appsettings.json ./appsettings.json
COPY workflows/ ./workflows/

# The embedded store (with its sign-in keys) and the mail pickup folder live in /app/data: owned by the non-root
# user and readable by it only. No demo users in the image: see docs/PRODUCTION.md for the first admin.
RUN mkdir -p /app/data && chown -R "$APP_UID:$APP_UID" /app/data && chmod 700 /app/data

ENV ASPNETCORE_URLS=http://+:8080 \
    ValueStreams__Root=/app

EXPOSE 8080

# No HEALTHCHECK: the aspnet image has neither curl nor wget. Probe GET /health/ready from outside
# (orchestrator, load balancer) instead.

# The aspnet images ship the non-root user "app" (UID $APP_UID = 1654).
USER $APP_UID

ENTRYPOINT ["dotnet", "ValueStreams.Host.dll"]
