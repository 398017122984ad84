using System.IO;
using Distroless.Dsl.Runner.Building;
using Xunit;

namespace Distroless.Dsl.Tests.Runner;

/// <summary>The two progress views: plain lines for logs, and the live terminal view that redraws running builds.</summary>
public class BuildProgressTests
{
    [Fact]
    public void Plain_progress_keeps_every_line_with_its_image_and_platform()
    {
        var output = new StringWriter { NewLine = "\n" };
        var progress = new BuildProgress(output);

        progress.Begin("jq", "linux/arm64", "building jq:1.7.1-arm64");
        progress.Step("jq", "linux/arm64", "[rootfs 4/4] RUN sh /build/assemble-rootfs.sh");
        progress.End("jq", "linux/arm64", "built jq:1.7.1-arm64");

        Assert.Equal(
            "[jq linux/arm64] building jq:1.7.1-arm64\n[jq linux/arm64] [rootfs 4/4] RUN sh /build/assemble-rootfs.sh\n[jq linux/arm64] built jq:1.7.1-arm64\n",
            output.ToString());
    }

    [Fact]
    public void Live_progress_redraws_one_line_per_running_build_and_keeps_only_results()
    {
        var output = new StringWriter { NewLine = "\n" };
        using (var progress = new LiveBuildProgress(output, width: () => 60, tick: false))
        {
            progress.Begin("base", "linux/amd64", "building base:0.1.0-amd64");
            progress.Begin("base", "linux/arm64", "building base:0.1.0-arm64");
            progress.Step("base", "linux/amd64", "[rootfs 2/4] RUN apt-get download ca-certificates tzdata and a long tail");
            progress.End("base", "linux/amd64", "built base:0.1.0-amd64");
        }

        var text = output.ToString();
        // Two running lines are erased (cursor up 2, clear) before the amd64 result is kept.
        Assert.Contains("\u001b[2F\u001b[J[base linux/amd64] built base:0.1.0-amd64\n", text);
        // The running line is cut to the terminal width, and the step is shown beside the elapsed seconds.
        Assert.Contains("[base linux/amd64]    0 s  [rootfs 2/4] RUN apt-get downloa\n", text);
        // At the end only the kept lines remain: the last running line is erased on dispose.
        Assert.EndsWith("[base linux/arm64]    0 s  building base:0.1.0-arm64\n\u001b[1F\u001b[J", text);
    }
}
