using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distroless.Dsl.Generated;
using Json.Schema;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Distroless.Dsl.Tests.Compose;

/// <summary>Every generated compose file is valid under the Compose Specification's own JSON schema (kept in
/// Compose/Schema, see its README), and publishes its ports on loopback unless the user's .env says otherwise.</summary>
public class ComposeSchemaTests
{
    // The file names draft 7 as "https://json-schema.org/draft-07/schema"; the validator knows draft 7 by its
    // canonical id, so that one string is mapped on load and the file stays byte-for-byte upstream's.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Compose", "Schema", "compose-spec.json"))
            .Replace("\"https://json-schema.org/draft-07/schema\"", "\"http://json-schema.org/draft-07/schema#\"")));

    public static TheoryData<string> Stacks() => new(GeneratedCatalog.Catalog.Stacks.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Stacks))]
    public void The_compose_file_is_valid_under_the_compose_spec_schema(string stack)
    {
        var compose = GeneratedCatalog.Catalog.FindStack(stack)!.Compose!;

        var result = Validate(compose);

        Assert.True(result.Valid, string.Join("\n", result.Errors));
    }

    [Fact]
    public void The_schema_check_fails_a_compose_file_that_breaks_the_spec()
    {
        // The check itself can fail: a misspelt key and a wrong type are both refused, each named.
        var compose = GeneratedCatalog.Catalog.FindStack("notes")!.Compose!;
        var broken = compose.Replace("    cap_drop:\n      - ALL\n", "    cap_drop: ALL\n").Replace("    restart: unless-stopped\n", "    restarts: unless-stopped\n");

        var result = Validate(broken);

        Assert.False(result.Valid);
        Assert.Contains(result.Errors, e => e.Contains("/cap_drop", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Contains("restarts", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_published_port_is_on_loopback_unless_the_env_file_says_otherwise(string stack)
    {
        var entry = GeneratedCatalog.Catalog.FindStack(stack)!;
        var ports = entry.Compose!.Split('\n').SkipWhile(l => l.Trim() != "ports:").Skip(1).TakeWhile(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ports);
        Assert.All(ports, p => Assert.Matches("^      - \"\\$\\{[A-Z_]+_BIND_ADDRESS:-127\\.0\\.0\\.1\\}:[0-9]+:[0-9]+\"$", p));
        var env = entry.ContextFiles.Single(f => f.Path == ".env").Content;
        Assert.Matches("(?m)^[A-Z_]+_BIND_ADDRESS=127\\.0\\.0\\.1$", env);
    }

    private static (bool Valid, string[] Errors) Validate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var document = ToJson(stream.Documents[0].RootNode);
        using var json = JsonDocument.Parse(document!.ToJsonString());
        var results = Schema.Value.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (results.Details ?? new System.Collections.Generic.List<EvaluationResults>())
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => d.InstanceLocation + ": " + e.Value))
            .ToArray();
        return (results.IsValid, errors);
    }

    /// <summary>YAML to JSON as compose reads it: plain scalars may be booleans, numbers or null; quoted ones are strings.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => new System.Collections.Generic.KeyValuePair<string, JsonNode?>(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } plain => plain.Value switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            null or "null" or "~" => null,
            var text when long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            var text => JsonValue.Create(text),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException("unexpected YAML node " + node.NodeType),
    };
}
