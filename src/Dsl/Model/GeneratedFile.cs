namespace Distroless.Dsl.Model;

/// <summary>A generated text file: a build-context file beside a Dockerfile, or a compose file. Paths use '/'.</summary>
public sealed record GeneratedFile(string Path, string Content);
