using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Distroless.Dsl.Runner.Catalog;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>Programs the image's builder stage made from a Debian source package, as their BUILDINFO file in the image
/// says: the source package and version, and the Debian packages whose static libraries are linked into the program.
/// No dpkg record claims them, so scanners do not see them; the SBOM does.</summary>
internal static class SourceBuildComponents
{
    private static readonly Regex FromSource = new(@"^(\S+) from Debian source package (\S+) (\S+?),", RegexOptions.CultureInvariant);
    private static readonly Regex PackageLine = new(@"^([a-z0-9][a-z0-9+.-]+) ([0-9][A-Za-z0-9.+~:-]*)$", RegexOptions.CultureInvariant);
    private const string LinkedHeading = "statically linked with these Debian packages:";

    public static IEnumerable<SbomComponent> From(IReadOnlyDictionary<string, string> buildInfoFiles, string arch)
    {
        foreach (var (path, text) in buildInfoFiles)
        {
            var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            var header = FromSource.Match(lines[0]);
            if (!header.Success)
            {
                throw new RunnerException(path + " in the image does not start with 'PROGRAM from Debian source package NAME VERSION,': cannot tell what it was built from");
            }

            var (program, source, version) = (header.Groups[1].Value, header.Groups[2].Value, header.Groups[3].Value);
            yield return new SbomComponent(ComponentKind.DebianSourceBuild, source, version, PackageUrl.Debian(source, version, "source"))
            {
                Supplier = DebianComponents.Supplier,
                Purpose = "APPLICATION",
                Comment = program + " built in the image's builder stage from this Debian source package (" + path + ")",
            };

            var linked = Array.IndexOf(lines, LinkedHeading);
            foreach (var line in linked < 0 ? Enumerable.Empty<string>() : lines.Skip(linked + 1).Where(l => l.Length > 0))
            {
                var package = PackageLine.Match(line);
                if (!package.Success)
                {
                    throw new RunnerException(path + " in the image lists '" + line + "' where a Debian package and version belong");
                }

                var (name, packageVersion) = (package.Groups[1].Value, package.Groups[2].Value);
                yield return new SbomComponent(ComponentKind.StaticallyLinked, name, packageVersion, PackageUrl.Debian(name, packageVersion, arch))
                {
                    Supplier = DebianComponents.Supplier,
                    Purpose = "LIBRARY",
                    LinkedInto = source,
                    Comment = "static library code linked into " + program + " (" + path + ")",
                };
            }
        }
    }
}
