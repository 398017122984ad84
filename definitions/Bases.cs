using Distroless.Dsl;

namespace Distroless.Definitions;

/// <summary>The base tier: static (scratch + CA bundle + zoneinfo + user), glibc, cc and debug.</summary>
public static class Bases
{
    [Image("base", Version = "0.1.0")]
    public static BaseImage Static => Base.FromScratch()
        .Describe("Static base for fully static programs: CA certificates, timezone data and a non-root user")
        .WithCaCerts()
        .WithTimezoneData()
        .User(1000, "app")
        .Env("TZ", "UTC")
        .Label("org.opencontainers.image.licenses", "MIT")
        .SizeBudgetMegabytes(1);

    [Image("base-glibc", Version = "0.1.0")]
    public static BaseImage Glibc => Base.On(Static)
        .Describe("The static base plus the GNU C library, for dynamically linked programs")
        .WithGlibc()
        .SizeBudgetMegabytes(15);

    [Image("base-cc", Version = "0.1.0")]
    public static BaseImage Cc => Base.On(Glibc)
        .Describe("The glibc base plus libgcc, libstdc++ and libgomp, for C++ and .NET programs")
        .WithCcRuntime()
        .SizeBudgetMegabytes(20);

    /// <summary>For debugging only: a busybox shell, running as root. Never deploy it.</summary>
    [Image("base-debug", Version = "0.1.0")]
    public static BaseImage Debug => Base.On(Static)
        .Describe("The static base plus a busybox shell in /busybox, as root; for debugging only")
        .WithBusyboxShell()
        .User(0, "root")
        .SizeBudgetMegabytes(3);
}
