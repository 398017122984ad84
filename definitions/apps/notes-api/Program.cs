using System;
using System.IO;
using System.Net.Http;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace NotesApi;

/// <summary>Notes stored in PostgreSQL: POST /notes writes a row, GET /notes/{id} and GET /notes read them back,
/// GET /healthz answers 200 only when the database does. <c>notes-api healthcheck</c> is the image's exec-form
/// health check (the image has no shell, curl or wget).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = Environment.GetEnvironmentVariable("PORT") is { Length: > 0 } p ? p : "8080";
        if (args.Length > 0 && args[0] == "healthcheck")
        {
            return await HealthCheckAsync(port);
        }

        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseUrls("http://0.0.0.0:" + port);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, NotesJson.Default));
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(ConnectionString()).Build());

        var app = builder.Build();
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        await NotesStore.CreateSchemaAsync(db, app.Lifetime.ApplicationStopping);

        app.MapGet("/healthz", async (CancellationToken ct) =>
            await NotesStore.PingAsync(db, ct) ? Results.Text("ok\n") : Results.Text("database unreachable\n", statusCode: 503));
        app.MapPost("/notes", async (NewNote note, CancellationToken ct) =>
            string.IsNullOrEmpty(note.Text)
                ? Results.BadRequest()
                : await NotesStore.AddAsync(db, note.Text, ct) is var added ? Results.Created("/notes/" + added.Id, added) : Results.Problem());
        app.MapGet("/notes/{id:long}", async (long id, CancellationToken ct) =>
            await NotesStore.FindAsync(db, id, ct) is { } found ? Results.Ok(found) : Results.NotFound());
        app.MapGet("/notes", async (CancellationToken ct) => Results.Ok(await NotesStore.AllAsync(db, ct)));

        await app.RunAsync();
        return 0;
    }

    /// <summary><c>NOTES_DB</c> (an Npgsql connection string without the password) plus the password from the file
    /// <c>DB_PASSWORD_FILE</c> names (a compose secret), so the password is in neither the image nor the environment.</summary>
    private static string ConnectionString()
    {
        var connection = new NpgsqlConnectionStringBuilder(
            Environment.GetEnvironmentVariable("NOTES_DB") ?? "Host=127.0.0.1;Username=postgres;Database=postgres");
        if (Environment.GetEnvironmentVariable("DB_PASSWORD_FILE") is { Length: > 0 } file)
        {
            connection.Password = File.ReadAllText(file).TrimEnd('\r', '\n');
        }

        return connection.ConnectionString;
    }

    private static async Task<int> HealthCheckAsync(string port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
        try
        {
            using var response = await client.GetAsync("http://127.0.0.1:" + port + "/healthz");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync("healthcheck: " + e.Message);
            return 1;
        }
    }
}

public sealed record NewNote(string? Text);

public sealed record Note(long Id, string Text, DateTime CreatedAt);

[JsonSerializable(typeof(NewNote))]
[JsonSerializable(typeof(Note))]
[JsonSerializable(typeof(Note[]))]
internal sealed partial class NotesJson : JsonSerializerContext
{
}
