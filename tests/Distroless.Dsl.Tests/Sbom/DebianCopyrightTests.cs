using Distroless.Dsl.Runner.Sbom;
using Xunit;

namespace Distroless.Dsl.Tests.Sbom;

/// <summary>Licenses from Debian copyright files: only what a machine-readable file says, in SPDX identifiers.</summary>
public class DebianCopyrightTests
{
    private const string Header = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n\n";

    [Fact]
    public void A_dep5_file_declares_the_conjunction_of_its_licenses_without_the_packaging_ones()
    {
        var text = Header + "Files: *\nCopyright: 2020 A\nLicense: Expat\n\nFiles: docs/*\nLicense: CC-BY-3.0\n\nFiles: debian/*\nLicense: GPL-2+\n\nLicense: Expat\n Permission is granted...\n";
        Assert.Equal("CC-BY-3.0 AND MIT", DebianCopyright.License(text));
    }

    [Fact]
    public void Alternatives_stay_grouped()
    {
        var text = Header + "Files: *\nLicense: BSD-3-clause or GPL-2\n\nFiles: lib/x/*\nLicense: Zlib\n";
        Assert.Equal("(BSD-3-Clause OR GPL-2.0-only) AND Zlib", DebianCopyright.License(text));
    }

    [Theory]
    [InlineData("GPL-2+", "GPL-2.0-or-later")]
    [InlineData("LGPL-2.1", "LGPL-2.1-only")]
    [InlineData("GFDL-1.3+", "GFDL-1.3-or-later")]
    [InlineData("bsd-2-clause", "BSD-2-Clause")]
    [InlineData("MPL-2.0", "MPL-2.0")]
    [InlineData("GPL", null)]
    [InlineData("public-domain", null)]
    [InlineData("LGPL-1", null)]
    public void Debian_short_names_map_to_SPDX_identifiers_or_to_nothing(string debian, string? spdx) =>
        Assert.Equal(spdx, DebianCopyright.Identifier(debian));

    [Theory]
    [InlineData("This package was debianized by someone.\nIt is GPL.\n")] // not machine-readable
    [InlineData(Header + "Files: *\nLicense: public-domain\n")] // no SPDX identifier
    [InlineData(Header + "Files: *\nLicense: GPL-2+ with OpenSSL exception\n")] // an exception we do not map
    [InlineData(Header + "Files: *\nLicense: GPL-2+ and MIT or BSD-3-clause\n")] // mixed operators: precedence unclear
    [InlineData(null)] // no copyright file in the package
    public void Anything_not_said_clearly_is_no_assertion(string? text) => Assert.Null(DebianCopyright.License(text));
}
