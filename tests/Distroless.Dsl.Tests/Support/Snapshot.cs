using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using Xunit.Sdk;

namespace Distroless.Dsl.Tests.Support;

/// <summary>A small snapshot helper following Verify's conventions: <c>NAME.verified.EXT</c> is committed; a mismatch
/// writes <c>NAME.received.EXT</c> beside it and fails. Set <c>ACCEPT_SNAPSHOTS=1</c> to accept every received file.</summary>
public static class Snapshot
{
    public const string AcceptVariable = "ACCEPT_SNAPSHOTS";

    public static string Directory([CallerFilePath] string caller = "") =>
        Path.Combine(FindProjectDirectory(Path.GetDirectoryName(caller)!), "Snapshots");

    /// <param name="name">Path under Snapshots/ without extension, e.g. <c>curl</c> or <c>curl.context/etc/passwd</c>.</param>
    /// <param name="extension">Without the dot, e.g. <c>Dockerfile</c>, <c>yaml</c>, <c>txt</c>.</param>
    public static void Verify(string name, string extension, string actual, [CallerFilePath] string caller = "")
    {
        var root = Directory(caller);
        var verified = Path.Combine(root, name + ".verified." + extension);
        var received = Path.Combine(root, name + ".received." + extension);
        var expected = File.Exists(verified) ? File.ReadAllText(verified) : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(verified)!);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Write(verified, actual);
            File.Delete(received);
            return;
        }

        Write(received, actual);
        throw new XunitException(
            (expected is null ? "No verified snapshot " : "Snapshot differs from ") + Relative(verified) + ".\n"
            + "Received: " + Relative(received) + FirstDifference(expected ?? "", actual) + "\n"
            + "Review the diff; to accept, rename it to .verified or rerun with " + AcceptVariable + "=1.");
    }

    private static void Write(string path, string content) =>
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    private static string FirstDifference(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end of file>";
            var right = i < a.Length ? a[i] : "<end of file>";
            if (left != right)
            {
                return "\nFirst difference at line " + (i + 1) + ":\n  verified: " + left + "\n  received: " + right;
            }
        }

        return "";
    }

    private static string Relative(string path) => Path.GetRelativePath(Environment.CurrentDirectory, path);

    private static string FindProjectDirectory(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Distroless.Dsl.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the test project above " + start);
    }
}
