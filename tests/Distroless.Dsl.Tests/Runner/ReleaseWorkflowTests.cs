using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Distroless.Dsl.Generated;
using Distroless.Dsl.Tests.Support;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>The release workflow cannot run here (it needs GitHub, ghcr.io and Sigstore), so its YAML is parsed and
/// its shape checked: triggers, permissions, the lock pull request that stops a release, and the step order.</summary>
public class ReleaseWorkflowTests
{
    private static readonly string WorkflowPath = Path.Combine(Snapshot.Directory(), "..", "..", "..", ".github", "workflows", "release.yml");

    private static YamlMappingNode Workflow()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(WorkflowPath);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    private static string Text(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    private static List<YamlMappingNode> Steps() => ((YamlSequenceNode)At(Workflow(), "jobs", "release", "steps")).Children.Cast<YamlMappingNode>().ToList();

    [Fact]
    public void It_runs_daily_and_on_demand_with_the_token_permissions_publishing_and_keyless_signing_need()
    {
        var workflow = Workflow();
        Assert.Matches(@"^\S+ \S+ \* \* \*$", Text(((YamlSequenceNode)At(workflow, "on", "schedule")).Children.Single(), "cron"));
        Assert.Contains(new YamlScalarNode("workflow_dispatch"), ((YamlMappingNode)At(workflow, "on")).Children.Keys);
        Assert.Equal("write", Text(At(workflow, "permissions"), "packages"));
        Assert.Equal("write", Text(At(workflow, "permissions"), "id-token"));
        Assert.Equal("write", Text(At(workflow, "permissions"), "pull-requests"));
    }

    [Fact]
    public void A_moved_lock_opens_a_pull_request_and_nothing_after_it_runs()
    {
        var steps = Steps();
        var lockStep = steps.FindIndex(s => Text(s, "run").Contains("lock --update", StringComparison.Ordinal));
        var pullRequest = steps.FindIndex(s => Text(s, "uses").StartsWith("peter-evans/create-pull-request@", StringComparison.Ordinal));
        Assert.InRange(lockStep, 0, pullRequest - 1);
        var id = Text(steps[lockStep], "id");
        Assert.Equal("steps." + id + ".outputs.changed == 'true'", Text(steps[pullRequest], "if"));
        Assert.Contains("definitions/packages.lock", Text(steps[lockStep], "run"));
        Assert.All(steps.Skip(pullRequest + 1), s => Assert.Equal("steps." + id + ".outputs.changed != 'true'", Text(s, "if")));
        Assert.DoesNotContain(steps, s => Text(s, "run").Contains("git push", StringComparison.Ordinal));
    }

    [Fact]
    public void It_tests_then_publishes_if_changed_to_ghcr_then_signs_and_attests_the_pushed_digests()
    {
        var steps = Steps();
        int Find(Func<YamlMappingNode, bool> match) => steps.FindIndex(s => match(s));
        var test = Find(s => Text(s, "run").Trim() == "bash tests/run-all.sh");
        var publish = Find(s => Text(s, "run").Contains("$RUNNER publish ", StringComparison.Ordinal));
        var installer = Find(s => Text(s, "uses").StartsWith("sigstore/cosign-installer@", StringComparison.Ordinal));
        var sign = Find(s => Text(s, "run").Contains("cosign sign --yes", StringComparison.Ordinal));
        Assert.True(test >= 0 && test < publish && publish < installer && installer < sign, string.Join(", ", test, publish, installer, sign));

        var command = Text(steps[publish], "run");
        foreach (var part in new[] { "--registry ghcr.io", "--namespace \"${OWNER,,}\"", "--if-changed", "--date-tag" })
        {
            Assert.Contains(part, command);
        }

        Assert.Equal("${{ secrets.GITHUB_TOKEN }}", Text(At(steps[publish], "env"), "GITHUB_TOKEN"));
        Assert.Equal("${{ github.repository_owner }}", Text(At(steps[publish], "env"), "OWNER"));
        Assert.Contains("cosign attest --yes --type spdxjson --predicate sbom.spdx.json", Text(steps[sign], "run"));
        Assert.Contains("$RUNNER sbom \"$name\" --platform \"$platform\" --out sbom.spdx.json", Text(steps[sign], "run"));
    }

    [Fact]
    public void The_publish_options_the_workflow_uses_are_the_runners()
    {
        using var help = new StringWriter();
        Assert.Equal(0, InProcessRunner.Run(new[] { "publish", "--help" }, GeneratedCatalog.Catalog, help, TextWriter.Null));
        foreach (var option in new[] { "--registry", "--namespace", "--if-changed", "--date-tag" })
        {
            Assert.Contains(option + " ", help.ToString());
        }
    }
}
