using System.Collections.Generic;
using System.Linq;
using System.Text;
using Distroless.Dsl.Model;

namespace Distroless.Dsl.Rendering;

/// <summary>The small files under /etc that a scratch image needs so that name lookups, TLS and tools behave.</summary>
public static class SystemFiles
{
    private const string NoLogin = "/sbin/nologin";

    public static string Passwd(UserSpec user)
    {
        var lines = new List<string> { "root:x:0:0:root:/root:" + NoLogin };
        if (!user.IsRoot)
        {
            lines.Add(user.Name + ":x:" + user.Uid + ":" + user.Gid + ":" + user.Name + ":" + user.Home + ":" + NoLogin);
        }

        lines.Add("nobody:x:65534:65534:nobody:/nonexistent:" + NoLogin);
        return string.Join("\n", lines) + "\n";
    }

    public static string Group(UserSpec user, IEnumerable<GroupSpec> extraGroups)
    {
        var groups = new List<GroupSpec> { new(0, "root") };
        if (!user.IsRoot)
        {
            groups.Add(new GroupSpec(user.Gid, user.Name));
        }

        groups.AddRange(extraGroups);
        groups.Add(new GroupSpec(65534, "nogroup"));
        var members = user.IsRoot ? "" : user.Name;
        return string.Concat(groups.GroupBy(g => g.Gid).Select(g => g.First()).OrderBy(g => g.Gid)
            .Select(g => g.Name + ":x:" + g.Gid + ":" + (extraGroups.Contains(g) ? members : "") + "\n"));
    }

    /// <summary>Files only: there is no DNS-less name service to consult in a distroless image.</summary>
    public static string NsSwitch() =>
        "passwd:         files\n" +
        "group:          files\n" +
        "shadow:         files\n" +
        "hosts:          files dns\n" +
        "networks:       files\n" +
        "protocols:      files\n" +
        "services:       files\n" +
        "ethers:         files\n" +
        "rpc:            files\n";

    /// <summary>The Debian release the images are made of, as os-release and <c>/etc/debian_version</c> name it.</summary>
    public const string DebianVersionId = "13";

    public const string DebianCodename = "trixie";

    /// <summary>Where Debian writes its point release (<c>13.N</c>), the file scanners identify Debian by; it ships
    /// from the locked <see cref="BaseFilesPackage"/>, so it is the archive's own and base-files is in status.d.</summary>
    public const string DebianVersionPath = "/etc/debian_version";

    public const string BaseFilesPackage = "base-files";

    /// <summary>As Google distroless writes it: scanners read ID and VERSION_ID to match Debian's security data, so the
    /// image says it is Debian; PRETTY_NAME says it is a distroless one.</summary>
    public static string OsRelease() =>
        new StringBuilder()
            .Append("PRETTY_NAME=\"Distroless\"\n")
            .Append("NAME=\"Debian GNU/Linux\"\n")
            .Append("ID=\"debian\"\n")
            .Append("VERSION_ID=\"").Append(DebianVersionId).Append("\"\n")
            .Append("VERSION=\"Debian GNU/Linux ").Append(DebianVersionId).Append(" (").Append(DebianCodename).Append(")\"\n")
            .Append("VERSION_CODENAME=").Append(DebianCodename).Append('\n')
            .ToString();
}
