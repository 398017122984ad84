using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using Distroless.Dsl.Generated;
using Xunit;

namespace Distroless.Dsl.Tests.Compose;

/// <summary>The app tier end to end on the real engine and the real compose: notes-api (published by the host's .NET
/// SDK) with the distroless PostgreSQL comes up healthy, keeps a row across a restart, and leaves nothing behind.</summary>
[Trait("Category", "Engine")]
[Collection("Engine")]
public class NotesStackTests
{
    private const string Project = "notes";

    [Fact]
    public async System.Threading.Tasks.Task Up_write_read_restart_and_down_leave_nothing()
    {
        var directory = ComposeSupport.TempDirectory(Project);
        try
        {
            // Start from no notes-api image, so 'up' proves it builds what is missing (publish included).
            ComposeSupport.Program("docker", new[] { "rmi", "--force", "distroless-dsl/notes-api:0.1.0", "distroless-dsl/notes-api:0.1.0-amd64", "distroless-dsl/notes-api:0.1.0-arm64", "distroless-dsl/notes-api:latest" });
            Run("down", Project, "--out", directory, "--volumes");
            // A random database password: PostgreSQL sets it from the secret at start and the app logs in with it.
            Run("compose", Project, "--out", directory, "--generate-secrets");
            Assert.NotEqual("postgres", File.ReadAllText(Path.Combine(directory, "secrets", "db_password")).Trim());

            var up = Run("up", Project, "--out", directory, "--timeout", "180");
            // The app's publish ran, or its output from unchanged inputs was reused (Building/PublishInputs); the image was built.
            Assert.Matches(@"published linux-x64 in|dotnet publish for linux-x64 skipped: its inputs are unchanged", up);
            Assert.Contains("built distroless-dsl/notes-api:0.1.0-amd64", up);
            Assert.Matches(@"Stack notes is healthy [0-9.]+ s after 'up'", up);

            using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:8080"), Timeout = TimeSpan.FromSeconds(10) };
            var text = "kept across restarts " + Guid.NewGuid().ToString("N");
            var created = await http.PostAsync("/notes", new StringContent(JsonSerializer.Serialize(new { text }), Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
            Assert.Equal(text, await ReadNoteAsync(http, id));

            Run("down", Project, "--out", directory);
            Assert.Empty(Listed("ps", "--all"));
            Assert.NotEmpty(Listed("volume", "ls"));
            var again = Run("up", Project, "--out", directory, "--timeout", "180");
            Assert.Contains("Images of notes are present", again);
            Assert.Equal(text, await ReadNoteAsync(http, id));

            // --build on the running stack: every image goes through the build again (unchanged: the cache), and the
            // stack stays healthy on its data.
            var rebuilt = Run("up", Project, "--out", directory, "--build", "--timeout", "180");
            Assert.Contains("Building the images of notes for linux/amd64: notes-api, postgres", rebuilt);
            Assert.Matches(@"Stack notes is healthy [0-9.]+ s after 'up'", rebuilt);
            Assert.Equal(text, await ReadNoteAsync(http, id));

            Assert.Contains("its volumes removed", Run("down", Project, "--out", directory, "--volumes"));
            Assert.Empty(Listed("ps", "--all"));
            Assert.Empty(Listed("network", "ls"));
            Assert.Empty(Listed("volume", "ls"));
        }
        finally
        {
            ComposeSupport.Runner(GeneratedCatalog.Catalog, "down", Project, "--out", directory, "--volumes");
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Run(params string[] args)
    {
        var (exit, output, error) = ComposeSupport.Runner(GeneratedCatalog.Catalog, args);
        Assert.True(exit == 0, string.Join(" ", args) + " failed:\n" + output + error);
        return output;
    }

    private static async System.Threading.Tasks.Task<string> ReadNoteAsync(HttpClient http, long id)
    {
        var body = await http.GetStringAsync("/notes/" + id);
        return JsonDocument.Parse(body).RootElement.GetProperty("text").GetString()!;
    }

    /// <summary>The project's containers, networks or volumes, by compose's project label.</summary>
    private static string[] Listed(string kind, string verb)
    {
        var (exit, output) = ComposeSupport.Program("docker", new[] { kind, verb, "--quiet", "--filter", "label=com.docker.compose.project=" + Project });
        Assert.True(exit == 0, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
