using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Distroless.Dsl.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Distroless.Dsl.Generators.Parsing;

/// <summary>Roslyn runs an attribute provider's transform again for every definition whenever the compilation changes,
/// and binding a definition's chain is most of the generator's cost. A definition whose file is the same tree as last
/// time, in a compilation with the same <see cref="SemanticEnvironment"/>, evaluates to the same value (see
/// <see cref="DeclarationSkeleton"/>), so that value is reused: after a one-file edit only that file's definitions are
/// bound again, unless the edit changed a declaration other files can see.</summary>
internal sealed class DefinitionMemo
{
    private readonly bool _isStack;
    private readonly ConditionalWeakTable<SyntaxNode, Slot> _definitions = new();
    private readonly ConditionalWeakTable<Compilation, SemanticEnvironment> _environments = new();
    private readonly object _gate = new();
    private SemanticEnvironment? _latest;
    private long _evaluated;

    public DefinitionMemo(bool isStack) => _isStack = isStack;

    /// <summary>How many definitions were evaluated rather than reused (for tests).</summary>
    public long Evaluated => Interlocked.Read(ref _evaluated);

    public ParsedDefinition Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        SemanticEnvironment environment;
        try
        {
            environment = EnvironmentOf(context.SemanticModel.Compilation, cancellation);
            if (_definitions.TryGetValue(context.TargetNode, out var slot) && slot.Entry is { } known && known.Environment.SameAs(environment))
            {
                return known.Definition;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The memo is only a shortcut: anything unexpected here means evaluating as if it were empty.
            return Evaluate(context, cancellation);
        }

        var definition = Evaluate(context, cancellation);
        _definitions.GetValue(context.TargetNode, _ => new Slot()).Entry = new Entry(environment, definition);
        return definition;
    }

    private ParsedDefinition Evaluate(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
    {
        Interlocked.Increment(ref _evaluated);
        return DefinitionParser.Parse(context, _isStack, cancellation);
    }

    /// <summary>The compilation's environment, computed once per compilation and shared with the previous one when equal,
    /// so most checks above are one reference comparison.</summary>
    private SemanticEnvironment EnvironmentOf(Compilation compilation, CancellationToken cancellation)
    {
        if (_environments.TryGetValue(compilation, out var known))
        {
            return known;
        }

        var environment = SemanticEnvironment.Of(compilation, cancellation);
        lock (_gate)
        {
            if (_latest is not null && _latest.SameAs(environment))
            {
                environment = _latest;
            }

            _latest = environment;
        }

        return _environments.GetValue(compilation, _ => environment);
    }

    private sealed class Slot
    {
        private volatile Entry? _entry;

        public Entry? Entry
        {
            get => _entry;
            set => _entry = value;
        }
    }

    private sealed class Entry
    {
        public Entry(SemanticEnvironment environment, ParsedDefinition definition)
        {
            Environment = environment;
            Definition = definition;
        }

        public SemanticEnvironment Environment { get; }

        public ParsedDefinition Definition { get; }
    }
}
