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

    public static string OsRelease(string name, string version) =>
        new StringBuilder()
            .Append("PRETTY_NAME=\"Distroless.Dsl ").Append(name).Append(' ').Append(version).Append(" (Debian 13 packages)\"\n")
            .Append("NAME=\"Distroless.Dsl\"\n")
            .Append("ID=distroless-dsl\n")
            .Append("ID_LIKE=debian\n")
            .Append("VERSION_ID=\"").Append(version).Append("\"\n")
            .Append("VERSION_CODENAME=trixie\n")
            .ToString();
}
