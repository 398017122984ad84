using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Distroless.Dsl.Catalog;
using Distroless.Dsl.Runner.Catalog;
using Distroless.Dsl.Runner.Engine;
using Distroless.Dsl.Runner.Locking;

namespace Distroless.Dsl.Runner.Commands;

/// <summary><c>lock [--update [NAME...]] [--check]</c>: writes, refreshes or checks the package lock.</summary>
internal static class LockCommand
{
    public static Command Create(CatalogLookup lookup, TextWriter output, TextWriter error)
    {
        var names = new Argument<string[]>("name") { Description = "With --update: the images to refresh (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var update = new Option<bool>("--update") { Description = "Resolve the named images (or all) again, to the archive's current packages." };
        var check = new Option<bool>("--check") { Description = "Fail when a definition needs something the lock lacks; no network." };
        var lockPath = new Option<string?>("--lock") { Description = "The lock file (default: definitions/packages.lock of this repository)." };
        var command = new Command("lock", "Resolve every Debian package and download of every image and platform into the committed lock.")
        {
            names, update, check, lockPath,
        };
        command.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(lockPath) ?? LockPaths.DefaultLock();
            var given = result.GetValue(names) ?? Array.Empty<string>();
            if (given.Length > 0 && !result.GetValue(update))
            {
                throw new RunnerException("name images only with --update (lock --update " + string.Join(" ", given) + ")");
            }

            var chosen = given.Select(lookup.Image).ToList();
            if (result.GetValue(check))
            {
                return Check(lookup.Catalog.Images.ToList(), path, output, error);
            }

            return await WriteAsync(lookup, path, result.GetValue(update), chosen, output, cancellation);
        });
        return command;
    }

    private static int Check(IReadOnlyList<CatalogEntry> images, string path, TextWriter output, TextWriter error)
    {
        var lockFile = LockPaths.Read(path);
        var gaps = LockCheck.Gaps(images, lockFile);
        if (gaps.Count > 0)
        {
            var first = gaps[0];
            error.WriteLine("error: " + first + ", which " + Path.GetFileName(path) + " lacks" + (gaps.Count > 1 ? " (and " + (gaps.Count - 1) + " more)" : "")
                            + ": run 'lock --update " + string.Join(" ", gaps.Select(g => g.Image).Distinct()) + "'");
            return 1;
        }

        var stale = LockCheck.Stale(images, lockFile);
        output.WriteLine(Path.GetFileName(path) + " covers every image: " + lockFile.Packages.Count + " package entries, " + lockFile.Downloads.Count + " downloads"
                         + (stale.Count > 0 ? "; entries of images no longer defined: " + string.Join(", ", stale) + " ('lock' drops them)" : ""));
        return 0;
    }

    private static async Task<int> WriteAsync(CatalogLookup lookup, string path, bool update, IReadOnlyList<CatalogEntry> chosen, TextWriter output, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var all = lookup.Catalog.Images.ToList();
        var old = File.Exists(path) ? LockPaths.Read(path) : PackageLock.Empty;

        // Plain 'lock' resolves only what the lock lacks, so adding an image moves no other; --update resolves again.
        var targets = update
            ? (chosen.Count > 0 ? chosen : all)
            : all.Where(i => LockCheck.Gaps(new[] { i }, old).Count > 0 || !old.Images.Contains(i.Name)).ToList();
        var stale = LockCheck.Stale(all, old);
        if (targets.Count == 0 && stale.Count == 0)
        {
            output.WriteLine(Path.GetFileName(path) + " is up to date (" + old.Packages.Count + " package entries); 'lock --update [NAME...]' moves images to the archive's current packages");
            return 0;
        }

        var packages = new List<LockedPackage>();
        if (targets.Count > 0)
        {
            using var engine = await EngineConnection.ConnectAsync(cancellation);
            output.WriteLine("Resolving " + string.Join(", ", targets.Select(t => t.Name)) + " with apt in " + ImageNaming.FromEnvironment().Builder);
            packages.AddRange(await PackageResolver.ResolveAsync(engine, targets.Select(PackageResolver.NeedsOf).ToList(), output, cancellation));
        }

        var downloads = new List<LockedDownload>();
        var locker = new DownloadLocker(LockPaths.LocalDownloads(path), output);
        foreach (var image in targets)
        {
            downloads.AddRange(await locker.LockAsync(image.Name, PackageResolver.NeedsOf(image).TargetArchitectures, image.Definition.Downloads ?? default, cancellation));
        }

        var replaced = targets.Select(t => t.Name).Concat(stale).ToList();
        var fresh = old.Replace(replaced, new PackageLock(packages, downloads));
        LockPaths.Write(path, fresh);
        var size = new FileInfo(path).Length;
        output.WriteLine("Locked " + targets.Count + " image" + (targets.Count == 1 ? "" : "s") + " in " + clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s: "
                         + Changes(old, fresh) + "; " + Path.GetFileName(path) + " holds " + fresh.Packages.Count + " package entries ("
                         + fresh.Packages.Select(p => p.AptSpecifier).Distinct().Count() + " distinct packages) and " + fresh.Downloads.Count + " downloads, " + size + " bytes");
        return 0;
    }

    /// <summary>How many entries the run added, moved to another version, or removed.</summary>
    private static string Changes(PackageLock before, PackageLock after)
    {
        static string Key(LockedPackage p) => string.Join(" ", p.Image, p.Arch, p.RoleName, p.Name, p.PackageArch);
        var old = before.Packages.ToDictionary(Key);
        var now = after.Packages.ToDictionary(Key);
        var added = now.Keys.Count(k => !old.ContainsKey(k));
        var removed = old.Keys.Count(k => !now.ContainsKey(k));
        var moved = now.Count(kv => old.TryGetValue(kv.Key, out var was) && (was.Version != kv.Value.Version || was.Sha256 != kv.Value.Sha256));
        return added + " entries added, " + moved + " moved, " + removed + " removed";
    }
}
