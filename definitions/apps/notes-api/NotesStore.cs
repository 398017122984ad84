using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace NotesApi;

/// <summary>The notes table, through Npgsql with plain SQL.</summary>
internal static class NotesStore
{
    /// <summary>Creates the table, retrying briefly: the database may still be starting when the app does.</summary>
    public static async Task CreateSchemaAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = db.CreateCommand(
                    "CREATE TABLE IF NOT EXISTS notes (id bigserial PRIMARY KEY, text text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
                await command.ExecuteNonQueryAsync(ct);
                return;
            }
            catch (NpgsqlException e) when (attempt < 30)
            {
                Console.Error.WriteLine("notes-api: database not ready (" + e.Message + "), retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    public static async Task<bool> PingAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        try
        {
            await using var command = db.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(ct) is 1;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public static async Task<Note> AddAsync(NpgsqlDataSource db, string text, CancellationToken ct)
    {
        await using var command = db.CreateCommand("INSERT INTO notes (text) VALUES ($1) RETURNING id, text, created_at");
        command.Parameters.Add(new NpgsqlParameter { Value = text });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return Read(reader);
    }

    public static async Task<Note?> FindAsync(NpgsqlDataSource db, long id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, text, created_at FROM notes WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public static async Task<Note[]> AllAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, text, created_at FROM notes ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var notes = new List<Note>();
        while (await reader.ReadAsync(ct))
        {
            notes.Add(Read(reader));
        }

        return notes.ToArray();
    }

    private static Note Read(NpgsqlDataReader reader) => new(reader.GetInt64(0), reader.GetString(1), reader.GetDateTime(2));
}
