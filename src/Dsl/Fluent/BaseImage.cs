using Distroless.Dsl.Model;

namespace Distroless.Dsl;

/// <summary>Entry points of the base tier.</summary>
public static class Base
{
    /// <summary>The static variant: an empty image with only what later calls add, plus
    /// <c>/etc/passwd</c>, <c>/etc/group</c>, <c>/etc/nsswitch.conf</c>, <c>/etc/os-release</c> and <c>/tmp</c>.</summary>
    public static BaseImage FromScratch() => new(
        new ImageSpec
        {
            Tier = ImageTier.Base,
            Variant = BaseVariant.Static,
            Platforms = EquatableArray.Of(Rules.Validate.SupportedPlatforms),
            Environment = EquatableArray.Of(new EnvVar("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")),
        },
        identity: null);

    /// <summary>A base built on another base, e.g. glibc on static.</summary>
    public static BaseImage On(BaseImage parent) => new(
        new ImageSpec
        {
            Tier = ImageTier.Base,
            Parent = parent.AsReference(),
            Variant = BaseVariant.Static,
            Platforms = EquatableArray.Of(Rules.Validate.SupportedPlatforms),
        },
        identity: null);
}

/// <summary>A base image: the files every program needs and the user it runs as.</summary>
public sealed class BaseImage : ImageDefinition<BaseImage>
{
    internal BaseImage(ImageSpec spec, ImageRef? identity)
        : base(spec, identity)
    {
    }

    private protected override BaseImage With(ImageSpec spec) => new(spec, identity: null);

    /// <summary>Adds Debian's CA bundle at <c>/etc/ssl/certs/ca-certificates.crt</c> and sets SSL_CERT_FILE.</summary>
    public BaseImage WithCaCerts() => new BaseImage(Spec with
    {
        CaCertificates = true,
        Environment = SpecEdits.SetEnv(Spec.Environment, "SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"),
    }, identity: null);

    /// <summary>Adds <c>/usr/share/zoneinfo</c> from Debian's tzdata; <paramref name="legacyAliases"/> adds
    /// tzdata-legacy's old names such as <c>US/Eastern</c>.</summary>
    public BaseImage WithTimezoneData(bool legacyAliases = false) =>
        With(Spec with { TimezoneData = true, TimezoneLegacyAliases = legacyAliases });

    /// <summary>The glibc variant: adds the C library and its loader.</summary>
    public BaseImage WithGlibc() => With(Spec with
    {
        Variant = Spec.Variant == BaseVariant.Static ? BaseVariant.Glibc : Spec.Variant,
        Packages = Spec.Packages.Add("libc6"),
    });

    /// <summary>The cc variant: adds libgcc, libstdc++ and libgomp (on top of glibc).</summary>
    public BaseImage WithCcRuntime() => With(Spec with
    {
        Variant = BaseVariant.Cc,
        Packages = Spec.Packages.AddRange(new[] { "libgcc-s1", "libstdc++6", "libgomp1" }),
    });

    /// <summary>The debug variant: busybox's shell and applets in <c>/busybox</c>. Never for production; the only
    /// variant allowed to run as root.</summary>
    public BaseImage WithBusyboxShell() => With(Spec with
    {
        Variant = BaseVariant.Debug,
        Packages = Spec.Packages.Add("busybox-static"),
        Environment = SpecEdits.SetEnv(Spec.Environment, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/busybox"),
        Entrypoint = EquatableArray.Of("/busybox/sh"),
    });
}
