using System.IO;
using Distroless.Dsl.Generated;
using Xunit;

namespace Distroless.Dsl.Tests.Compose;

/// <summary>The compose project the runner writes, with no engine or compose binary.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ComposeProjectTests
{
    [Fact]
    public void Generated_secrets_are_random_private_and_never_overwritten()
    {
        var directory = ComposeSupport.TempDirectory("secrets");
        try
        {
            Assert.Equal(0, ComposeSupport.Runner(GeneratedCatalog.Catalog, "compose", "notes", "--out", directory, "--generate-secrets").Exit);
            var secret = Path.Combine(directory, "secrets", "db_password");
            var first = File.ReadAllText(secret);
            Assert.Matches("^[0-9a-f]{64}$", first);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(directory, "secrets")));

            var (exit, output, _) = ComposeSupport.Runner(GeneratedCatalog.Catalog, "compose", "notes", "--out", directory, "--generate-secrets");
            Assert.Equal(0, exit);
            Assert.Equal(first, File.ReadAllText(secret));
            Assert.DoesNotContain(first, output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_composed_secret_is_written_from_the_secrets_it_names_whether_generated_or_written_by_the_user()
    {
        var directory = ComposeSupport.TempDirectory("composed-secret");
        try
        {
            var (exit, output, _) = ComposeSupport.Runner(GeneratedCatalog.Catalog, "compose", "pocket-id", "--out", directory, "--generate-secrets");
            Assert.Equal(0, exit);
            var password = File.ReadAllText(Path.Combine(directory, "secrets", "db_password"));
            var connection = File.ReadAllText(Path.Combine(directory, "secrets", "db_connection_string"));
            Assert.Equal("postgres://postgres:" + password + "@postgres:5432/postgres", connection);
            Assert.Contains("wrote secret db_connection_string from db_password (its value is not shown)", output);
            Assert.DoesNotContain(password, output);

            // A password the user wrote is the one the connection string carries; an existing one is never rewritten.
            File.Delete(Path.Combine(directory, "secrets", "db_connection_string"));
            File.WriteAllText(Path.Combine(directory, "secrets", "db_password"), "chosen-by-user");
            Assert.Equal(0, ComposeSupport.Runner(GeneratedCatalog.Catalog, "compose", "pocket-id", "--out", directory, "--generate-secrets").Exit);
            Assert.Equal("postgres://postgres:chosen-by-user@postgres:5432/postgres", File.ReadAllText(Path.Combine(directory, "secrets", "db_connection_string")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                File.GetUnixFileMode(Path.Combine(directory, "secrets", "db_connection_string")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Up_refuses_to_start_while_a_secret_file_is_missing()
    {
        var directory = ComposeSupport.TempDirectory("missing-secret");
        try
        {
            var (exit, output, error) = ComposeSupport.Runner(GeneratedCatalog.Catalog, "up", "notes", "--out", directory);
            Assert.Equal(1, exit);
            Assert.Contains("secret ./secrets/db_password is missing", output);
            Assert.StartsWith("error: missing secret files ./secrets/db_password in " + directory, error);
            Assert.True(File.Exists(Path.Combine(directory, "compose.yaml")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
