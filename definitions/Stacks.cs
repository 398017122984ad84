using Distroless.Dsl;

namespace Distroless.Definitions;

/// <summary>Compose stacks.</summary>
public static class Stacks
{
    /// <summary>Pocket ID on PostgreSQL. The database is reachable only on the stack's network. The encryption key and
    /// the database password are compose secrets (write them with printf: a trailing newline becomes part of the value).
    /// Pocket ID takes the database only as a whole URL, so its connection string is a secret composed from db_password.</summary>
    [Stack("pocket-id", Version = "0.1.0")]
    public static StackDefinition PocketId => Stack.Create()
        .Describe("Pocket ID with PostgreSQL")
        .Service("postgres", Service.Run(Tools.Postgres)
            .Volume("postgres-data", "/var/lib/postgresql/data")
            .Env("POSTGRES_PASSWORD_FILE", "/run/secrets/db_password")
            .Secret("db_password")
            .Tmpfs("/tmp")
            .Network("backend"))
        .Service("pocket-id", Service.Run(Apps.PocketId)
            .DependsOnHealthy("postgres")
            .Publish(1411)
            .Env("APP_URL", "http://localhost:1411")
            .Env("DB_CONNECTION_STRING_FILE", "/run/secrets/db_connection_string")
            .Secret("db_connection_string")
            .Env("ENCRYPTION_KEY_FILE", "/run/secrets/encryption_key")
            .Secret("encryption_key")
            .Volume("pocket-id-data", "/app/data")
            .Tmpfs("/tmp")
            .Network("backend"))
        .Volume("postgres-data")
        .Volume("pocket-id-data")
        .Network("backend")
        .Secret("db_password", "./secrets/db_password")
        .ComposedSecret("db_connection_string", "./secrets/db_connection_string", "postgres://postgres:{db_password}@postgres:5432/postgres")
        .Secret("encryption_key", "./secrets/encryption_key");

    /// <summary>notes-api on PostgreSQL: the database has no published port and sits on the backend network only;
    /// the app is published on 127.0.0.1 only. Both read the database password from the db_password secret: the
    /// PostgreSQL image's init program sets it at start, so no password is baked into an image or the compose file.</summary>
    [Stack("notes", Version = "0.1.0")]
    public static StackDefinition Notes => Stack.Create()
        .Describe("notes-api (ASP.NET Core) with PostgreSQL")
        .Service("postgres", Service.Run(Tools.Postgres)
            .Volume("notes-db", "/var/lib/postgresql/data")
            .Env("POSTGRES_PASSWORD_FILE", "/run/secrets/db_password")
            .Secret("db_password")
            .Tmpfs("/tmp")
            .Network("backend"))
        .Service("notes-api", Service.Run(Apps.NotesApi)
            .DependsOnHealthy("postgres")
            .Publish(8080)
            .Env("NOTES_DB", "Host=postgres;Username=postgres;Database=postgres;SSL Mode=Disable")
            .Env("DB_PASSWORD_FILE", "/run/secrets/db_password")
            .Secret("db_password")
            .Tmpfs("/tmp")
            .Network("backend"))
        .Volume("notes-db")
        .Network("backend")
        .Secret("db_password", "./secrets/db_password");
}
