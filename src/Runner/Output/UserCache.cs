using System;
using System.IO;

namespace Distroless.Dsl.Runner.Output;

/// <summary>Where the runner keeps what it can make again: <c>$XDG_CACHE_HOME/distroless-dsl/NAME</c>, else
/// <c>~/.cache/distroless-dsl/NAME</c>.</summary>
internal static class UserCache
{
    public static string Directory(string name)
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }

        return Path.Combine(root, "distroless-dsl", name);
    }
}
