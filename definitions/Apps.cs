using Distroless.Dsl;

namespace Distroless.Definitions;

/// <summary>The app tier.</summary>
public static class Apps
{
    /// <summary>Pocket ID's release binary. The amd64 SHA-256 is the one third-party code checks this asset against;
    /// no arm64 sum could be confirmed from here, so arm64 stays off until one is pinned (DSL015 guards it).</summary>
    [Image("pocket-id", Version = "2.14.0")]
    public static AppImage PocketId => App.On(Bases.Static)
        .Describe("Pocket ID, a simple OIDC provider with passkeys, from its v2.14.0 release binary")
        .Platforms("linux/amd64")
        .User(1000, "app")
        .WorkDir("/app")
        .Download("https://github.com/pocket-id/pocket-id/releases/download/v2.14.0/pocket-id_linux_{arch}", "/app/pocket-id")
        .Sha256("amd64", "da32b4e7bc8ba817ae2cee6e62634834bf234965fa237d25ab38fc3bec58ef48")
        .ChecksumsFile("https://github.com/pocket-id/pocket-id/releases/download/v2.14.0/checksums.txt")
        .WritableDirectory("/app/data")
        .Env("APP_ENV", "production")
        .Port(1411)
        .Volume("/app/data")
        .Secret("encryption_key")
        .HealthCheck("/app/pocket-id", "healthcheck")
        .HealthCheckTiming(intervalSeconds: 90, timeoutSeconds: 5, startPeriodSeconds: 10, retries: 3)
        .Entrypoint("/app/pocket-id")
        .SizeBudgetMegabytes(60);

    /// <summary>Our users' everyday case: an ASP.NET Core service (definitions/apps/notes-api) published
    /// self-contained and trimmed by the host's .NET SDK per architecture, on the cc base (the .NET runtime loads
    /// libstdc++ and libgcc_s; globalization is invariant, so no ICU). Its health check is the app itself.</summary>
    [Image("notes-api", Version = "0.1.0")]
    public static AppImage NotesApi => App.On(Bases.Cc)
        .Describe("notes-api, a small ASP.NET Core service on PostgreSQL, self-contained and trimmed")
        .WorkDir("/app")
        .PublishDotnet("definitions/apps/notes-api/NotesApi.csproj", "/app")
        // .NET's crypto is OpenSSL on Linux, and Npgsql needs it for PostgreSQL's SCRAM-SHA-256 login (measured:
        // without it the app aborts with "No usable version of libssl was found"). The cc base has no OpenSSL.
        .FromDebian("libssl3t64")
        .Binary("/usr/lib/*-linux-gnu/libssl.so.3")
        .Env("PORT", "8080")
        .Port(8080)
        .HealthCheck("/app/notes-api", "healthcheck")
        .HealthCheckTiming(intervalSeconds: 5, timeoutSeconds: 5, startPeriodSeconds: 5, retries: 6)
        .Entrypoint("/app/notes-api")
        .SizeBudgetMegabytes(60);
}
