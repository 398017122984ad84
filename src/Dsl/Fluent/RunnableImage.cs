using System;
using System.Linq;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;

namespace Distroless.Dsl;

/// <summary>Calls shared by the tiers that run a program: tools and apps.</summary>
public abstract class RunnableImage<TSelf> : ImageDefinition<TSelf>
    where TSelf : RunnableImage<TSelf>
{
    private protected RunnableImage(ImageSpec spec, ImageRef? identity)
        : base(spec, identity)
    {
    }

    /// <summary>Ships these executables from the packages with exactly the shared libraries they load (read from
    /// their ELF dynamic section, for any architecture).</summary>
    public TSelf Binary(params string[] paths) =>
        With(Spec with { Binaries = Spec.Binaries.AddRange(AbsolutePaths(paths, nameof(paths))) });

    /// <summary>Ships these files or directories from the packages as they are (runtime data, not programs).</summary>
    public TSelf DataFiles(params string[] paths) =>
        With(Spec with { DataPaths = Spec.DataPaths.AddRange(AbsolutePaths(paths, nameof(paths))) });

    /// <summary>Leaves out of the image what these globs match among the files the binaries and data files ship, e.g.
    /// <c>.Without("/usr/share/go-1.24/src/cmd", "**/testdata", "**/*_test.go")</c>. A pattern is absolute, or starts
    /// with <c>**/</c> to match at any depth; <c>*</c> matches within one name and <c>**</c> any number of directories.
    /// Symbolic links are not followed: name the real path. A pattern that matches nothing fails the build, so a stale
    /// one is noticed.</summary>
    public TSelf Without(params string[] patterns)
    {
        if (patterns is null || patterns.Length == 0)
        {
            throw Validate.Invalid(nameof(patterns), "give at least one pattern");
        }

        for (var i = 0; i < patterns.Length; i++)
        {
            Validate.ExclusionPattern(patterns[i], nameof(patterns) + "[" + i + "]");
        }

        return With(Spec with { Exclusions = Spec.Exclusions.AddRange(patterns.Where(p => !Spec.Exclusions.Contains(p)).Distinct()) });
    }

    /// <summary>Makes <paramref name="path"/> a symbolic link to <paramref name="target"/> (relative targets are kept relative).</summary>
    public TSelf Symlink(string path, string target) =>
        With(Spec with
        {
            Symlinks = Spec.Symlinks.Add(new SymlinkSpec(Validate.AbsolutePath(path, nameof(path)), Validate.NotEmpty(target, nameof(target)))),
        });

    /// <summary>The program the container runs, in exec form.</summary>
    public TSelf Entrypoint(params string[] command)
    {
        if (command is null || command.Length == 0)
        {
            throw Validate.Invalid(nameof(command), "give the program to run");
        }

        Validate.AbsolutePath(command[0], nameof(command));
        return With(Spec with { Entrypoint = command.ToEquatableArray() });
    }

    /// <summary>Default arguments to the entrypoint.</summary>
    public TSelf Cmd(params string[] arguments) =>
        With(Spec with { Command = (arguments ?? Array.Empty<string>()).ToEquatableArray() });

    /// <summary>Arguments that make the entrypoint prove the image works and exit 0, e.g. <c>--version</c>.</summary>
    public TSelf SmokeTest(params string[] arguments) =>
        With(Spec with { SmokeTest = (arguments ?? Array.Empty<string>()).ToEquatableArray() });

    public TSelf Port(int port) =>
        With(Spec with { Ports = Spec.Ports.Add(Validate.Port(port, nameof(port))) });

    public TSelf Volume(string path) =>
        With(Spec with { Volumes = Spec.Volumes.Add(Validate.AbsolutePath(path, nameof(path))) });

    /// <summary>An exec-form health check: the program and its arguments, run with no shell.</summary>
    public TSelf HealthCheck(params string[] command)
    {
        if (command is null || command.Length == 0)
        {
            throw Validate.Invalid(nameof(command), "give the health check program");
        }

        if (command[0].IndexOfAny(new[] { ' ', '|', '&', ';', '$', '>', '<' }) >= 0 || command[0] is "CMD-SHELL" or "CMD")
        {
            throw new DslException(DslDiagnostics.ShellFormHealthCheck, nameof(command), string.Join(" ", command));
        }

        var timing = Spec.HealthCheck ?? new HealthCheckSpec(EquatableArray<string>.Empty, 30, 5, 10, 3);
        return With(Spec with { HealthCheck = timing with { Command = command.ToEquatableArray() } });
    }

    /// <summary>How often and how patiently the health check runs.</summary>
    public TSelf HealthCheckTiming(int intervalSeconds = 30, int timeoutSeconds = 5, int startPeriodSeconds = 10, int retries = 3)
    {
        if (Spec.HealthCheck is null)
        {
            throw Validate.Invalid(nameof(intervalSeconds), "call HealthCheck(...) before HealthCheckTiming(...)");
        }

        return With(Spec with
        {
            HealthCheck = Spec.HealthCheck with
            {
                IntervalSeconds = Validate.Positive(intervalSeconds, nameof(intervalSeconds)),
                TimeoutSeconds = Validate.Positive(timeoutSeconds, nameof(timeoutSeconds)),
                StartPeriodSeconds = startPeriodSeconds < 0 ? throw Validate.Invalid(nameof(startPeriodSeconds), "startPeriodSeconds must not be negative") : startPeriodSeconds,
                Retries = Validate.Positive(retries, nameof(retries)),
            },
        });
    }

    /// <summary>A builder stage that runs on the build platform (it has a shell and apt; it never ships).</summary>
    public TSelf Stage(BuildStage stage)
    {
        if (Spec.Stages.Any(s => s.Name == stage.Spec.Name) || stage.Spec.Name == "rootfs" || stage.Spec.Name == ContextStage.Name)
        {
            throw Validate.Invalid(nameof(stage), "a stage named '" + stage.Spec.Name + "' already exists");
        }

        return With(Spec with { Stages = Spec.Stages.Add(stage.Spec) });
    }

    /// <summary>Copies a path out of one of this image's builder stages, owned by root unless <paramref name="owner"/> is given as UID:GID.</summary>
    public TSelf CopyFromStage(string stage, string from, string to, string? owner = null)
    {
        if (!Spec.Stages.Any(s => s.Name == stage))
        {
            throw new DslException(DslDiagnostics.UnknownReference, nameof(stage), "There is no stage named '" + stage + "' before this call: add it with .Stage(BuildStage.OnDebian(\"" + stage + "\")...) first");
        }

        return With(Spec with
        {
            Copies = Spec.Copies.Add(new CopySpec(
                CopySourceKind.Stage, stage, Validate.AbsolutePath(from, nameof(from)), Validate.AbsolutePath(to, nameof(to)), Owner(owner))),
        });
    }

    /// <summary>Copies files from the build context; <c>{arch}</c> in <paramref name="from"/> becomes amd64 or arm64.</summary>
    public TSelf FromContext(string from, string to, string? owner = null)
    {
        return With(Spec with
        {
            Copies = Spec.Copies.Add(new CopySpec(CopySourceKind.Context, "", Validate.ContextPath(from, nameof(from)), Validate.AbsolutePath(to, nameof(to)), Owner(owner))),
        });
    }

    /// <summary>Ships a release file: the runner downloads it on the host (once, into its verified cache) and the build
    /// places it from its context with no network. <c>{arch}</c> in the URL becomes amd64 or arm64.
    /// Pin it with <see cref="Sha256"/> for every target architecture (DSL015 otherwise).</summary>
    public TSelf Download(string urlTemplate, string destination)
    {
        if (urlTemplate is null || !urlTemplate.StartsWith("https://", StringComparison.Ordinal) || urlTemplate.Any(char.IsWhiteSpace))
        {
            throw Validate.Invalid(nameof(urlTemplate), "'" + urlTemplate + "' must be an https:// URL");
        }

        return With(Spec with
        {
            Downloads = Spec.Downloads.Add(new DownloadSpec(urlTemplate, Validate.AbsolutePath(destination, nameof(destination)), EquatableArray<ArchChecksum>.Empty)),
        });
    }

    /// <summary>The SHA-256 the previous download must have for <paramref name="arch"/> (amd64 or arm64).</summary>
    public TSelf Sha256(string arch, string sha256)
    {
        if (Spec.Downloads.IsEmpty)
        {
            throw Validate.Invalid(nameof(arch), "call Download(...) before Sha256(...)");
        }

        Validate.Platform("linux/" + arch, nameof(arch));
        var last = Spec.Downloads[Spec.Downloads.Count - 1];
        var pinned = last with
        {
            Checksums = last.Checksums.Where(c => c.Arch != arch).ToEquatableArray()
                .Add(new ArchChecksum(arch, Validate.Sha256(sha256, nameof(sha256), last.UrlTemplate.Replace("{arch}", arch)))),
        };
        return With(Spec with { Downloads = Spec.Downloads.Take(Spec.Downloads.Count - 1).ToEquatableArray().Add(pinned) });
    }

    /// <summary>The previous download's upstream checksum file (<c>sha256  FILENAME</c> lines, such as a GitHub release's
    /// checksums.txt): <c>lock</c> takes each platform's SHA-256 from it and checks it against the pins given here.</summary>
    public TSelf ChecksumsFile(string url)
    {
        if (Spec.Downloads.IsEmpty)
        {
            throw Validate.Invalid(nameof(url), "call Download(...) before ChecksumsFile(...)");
        }

        if (url is null || !url.StartsWith("https://", StringComparison.Ordinal) || url.Any(char.IsWhiteSpace))
        {
            throw Validate.Invalid(nameof(url), "'" + url + "' must be an https:// URL");
        }

        var last = Spec.Downloads[Spec.Downloads.Count - 1];
        return With(Spec with { Downloads = Spec.Downloads.Take(Spec.Downloads.Count - 1).ToEquatableArray().Add(last with { ChecksumsUrl = url }) });
    }

    /// <summary>A secret the program reads at run time from <c>/run/secrets/NAME</c>; never part of the image.</summary>
    public TSelf Secret(string name) =>
        With(Spec with { Secrets = Spec.Secrets.Add(Validate.ComposeName(name, nameof(name))) });

    public TSelf StopSignal(string signal) =>
        With(Spec with { StopSignal = Validate.NotEmpty(signal, nameof(signal)) });

    private static string[] AbsolutePaths(string[]? paths, string parameter)
    {
        if (paths is null || paths.Length == 0)
        {
            throw Validate.Invalid(parameter, "give at least one path");
        }

        foreach (var path in paths)
        {
            Validate.AbsolutePath(path, parameter);
        }

        return paths;
    }

    private static string? Owner(string? owner)
    {
        if (owner is null)
        {
            return null;
        }

        var parts = owner.Split(':');
        if (parts.Length != 2 || !parts.All(p => p.Length > 0 && p.All(char.IsDigit)))
        {
            throw Validate.Invalid(nameof(owner), "owner '" + owner + "' must be numeric UID:GID, e.g. 1000:1000");
        }

        return owner;
    }
}

/// <summary>Entry point of the tool tier.</summary>
public static class Tool
{
    /// <summary>A tool built on a base image, e.g. curl on the glibc base.</summary>
    public static ToolImage On(BaseImage parent) => new(
        new ImageSpec
        {
            Tier = ImageTier.Tool,
            Parent = parent.AsReference(),
            Platforms = EquatableArray.Of(Validate.SupportedPlatforms),
        },
        identity: null);
}

/// <summary>A single-purpose tool image: named binaries from Debian 13 packages with their run-time closure.</summary>
public sealed class ToolImage : RunnableImage<ToolImage>
{
    internal ToolImage(ImageSpec spec, ImageRef? identity)
        : base(spec, identity)
    {
    }

    private protected override ToolImage With(ImageSpec spec) => new(spec, identity: null);
}

/// <summary>Entry points of the app tier.</summary>
public static class App
{
    public static AppImage On(BaseImage parent) => Create(parent.AsReference());

    /// <summary>An app built on a tool image, e.g. a service that needs node.</summary>
    public static AppImage On(ToolImage parent) => Create(parent.AsReference());

    private static AppImage Create(ImageRef parent) => new(
        new ImageSpec
        {
            Tier = ImageTier.App,
            Parent = parent,
            Platforms = EquatableArray.Of(Validate.SupportedPlatforms),
        },
        identity: null);
}

/// <summary>An application image: release downloads, builds from source or context files on a base or tool.</summary>
public sealed class AppImage : RunnableImage<AppImage>
{
    internal AppImage(ImageSpec spec, ImageRef? identity)
        : base(spec, identity)
    {
    }

    /// <summary>Publishes a .NET project (a path relative to the repository root) with the host's .NET SDK for each
    /// target architecture, self-contained (linux-x64 for amd64, linux-arm64 for arm64), and copies the output to
    /// <paramref name="destination"/>. The runner publishes before it builds; no SDK runs in the image build.
    /// <paramref name="trimmed"/> trims unused framework code (the app must be trim-safe: no trim warnings).</summary>
    public AppImage PublishDotnet(string project, string destination = "/app", bool trimmed = true)
    {
        if (string.IsNullOrWhiteSpace(project) || project.StartsWith("/", StringComparison.Ordinal) || project.Split('/').Contains("..")
            || !project.EndsWith(".csproj", StringComparison.Ordinal) || project.Any(char.IsWhiteSpace))
        {
            throw Validate.Invalid(nameof(project), "'" + project + "' must be a .csproj path relative to the repository root, e.g. apps/api/Api.csproj");
        }

        if (Spec.DotnetPublish is not null)
        {
            throw Validate.Invalid(nameof(project), "an image publishes one .NET project");
        }

        var target = Validate.AbsolutePath(destination, nameof(destination)).TrimEnd('/') + "/";
        return With(Spec with { DotnetPublish = new DotnetPublishSpec(project, target, trimmed) })
            .FromContext(DotnetPublishSpec.ContextDirectory("{arch}") + "/", target);
    }

    private protected override AppImage With(ImageSpec spec) => new(spec, identity: null);
}
