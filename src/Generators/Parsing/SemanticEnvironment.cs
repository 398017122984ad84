using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Distroless.Dsl.Generators.Parsing;

/// <summary>What a definition's evaluation can depend on outside its own file: the compilation's options, assembly name
/// and references, and every file's path, parse options and <see cref="DeclarationSkeleton"/>. Two compilations with
/// the same environment evaluate an unchanged file's definitions to the same values.</summary>
internal sealed class SemanticEnvironment
{
    private readonly string? _assemblyName;
    private readonly CompilationOptions _options;
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly (string Path, ParseOptions Options, string Skeleton)[] _files;

    private SemanticEnvironment(Compilation compilation, CancellationToken cancellation)
    {
        _assemblyName = compilation.AssemblyName;
        _options = compilation.Options;
        _references = compilation.ExternalReferences;
        _files = compilation.SyntaxTrees.Select(t => (t.FilePath, t.Options, DeclarationSkeleton.Of(t, cancellation))).ToArray();
    }

    public static SemanticEnvironment Of(Compilation compilation, CancellationToken cancellation) => new(compilation, cancellation);

    public bool SameAs(SemanticEnvironment other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_assemblyName != other._assemblyName || !_options.Equals(other._options)
            || _references.Length != other._references.Length || _files.Length != other._files.Length)
        {
            return false;
        }

        for (var i = 0; i < _references.Length; i++)
        {
            // Compared as objects: an unchanged project keeps its reference objects; a new one is a (safe) miss.
            if (!ReferenceEquals(_references[i], other._references[i]))
            {
                return false;
            }
        }

        for (var i = 0; i < _files.Length; i++)
        {
            var (mine, theirs) = (_files[i], other._files[i]);
            if (mine.Path != theirs.Path || !ReferenceEquals(mine.Options, theirs.Options) && !mine.Options.Equals(theirs.Options)
                || !ReferenceEquals(mine.Skeleton, theirs.Skeleton) && !string.Equals(mine.Skeleton, theirs.Skeleton, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
