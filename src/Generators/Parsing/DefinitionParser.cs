using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Distroless.Dsl.Generators.Model;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rendering;
using Distroless.Dsl.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Distroless.Dsl.Generators.Parsing;

/// <summary>Turns one [Image] or [Stack] member into a <see cref="ParsedDefinition"/>: evaluates its chain, checks it,
/// and keeps an image's spec for the rendering step. Never throws: every failure becomes a diagnostic.</summary>
internal static class DefinitionParser
{
    public static ParsedDefinition Parse(GeneratorAttributeSyntaxContext context, bool isStack, CancellationToken cancellation)
    {
        var member = context.TargetSymbol;
        var definedBy = member.ContainingType.ToDisplayString() + "." + member.Name;
        var memberLocation = member.Locations.FirstOrDefault();
        var (name, version) = DefinitionAttributes.Read(context.Attributes[0]);
        var evaluator = new ChainEvaluator(cancellation);
        var diagnostics = new List<DiagnosticInfo>();

        ParsedDefinition Result(ImageSpec? image = null, StackSpec? stack = null, string? runsAs = null, string? parent = null) =>
            new(isStack, name, definedBy, LocationInfo.From(memberLocation), evaluator.References.ToEquatableArray(),
                diagnostics.ToEquatableArray(), diagnostics.Count == 0 ? image : null, version,
                diagnostics.Count == 0 ? stack : null, runsAs, parent);

        try
        {
            var attributeLocation = context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellation).GetLocation() ?? memberLocation;
            if (!Validate.IsImageName(name))
            {
                diagnostics.Add(Diagnostic(DslDiagnostics.InvalidImageName, attributeLocation, name));
            }

            if (!Validate.IsVersion(version))
            {
                diagnostics.Add(Diagnostic(DslDiagnostics.InvalidVersion, attributeLocation, version));
            }

            if (UnsupportedContainer(member.ContainingType) is { } container)
            {
                diagnostics.Add(Diagnostic(DslDiagnostics.UnsupportedContainingType, memberLocation, member.Name, container));
                return Result();
            }

            var expression = DefinitionExpression(context.TargetNode);
            if (!member.IsStatic || expression is null)
            {
                diagnostics.Add(Diagnostic(DslDiagnostics.UnsupportedExpression, memberLocation,
                    member.IsStatic ? definedBy : definedBy + " (definitions must be static)"));
                return Result();
            }

            var operation = context.SemanticModel.GetOperation(expression, cancellation);
            if (operation is not IInvocationOperation)
            {
                diagnostics.Add(Diagnostic(DslDiagnostics.UnsupportedExpression, expression.GetLocation(), expression.ToString()));
                return Result();
            }

            var value = evaluator.Evaluate(operation, null);
            if (diagnostics.Count > 0)
            {
                return Result();
            }

            switch (value)
            {
                case ImageDefinition image when !isStack:
                    Report(ImageRules.Check(name, image.Spec));
                    return Result(
                        image: image.Spec,
                        runsAs: image.Spec.User is null ? null : DefinitionRenderer.UserAndGroup(image.Spec.User),
                        parent: image.Spec.Parent?.Name) with { ContextSources = BuildContextSources.Required(image.Spec) };
                case StackDefinition stack when isStack:
                    Report(StackRules.Check(name, stack.Spec));
                    return Result(stack: stack.Spec);
                default:
                    diagnostics.Add(Diagnostic(DslDiagnostics.UnsupportedExpression, expression.GetLocation(),
                        expression + (isStack ? " (a [Stack] must be a Stack.Create() chain)" : " (an [Image] must be a Base, Tool or App chain)")));
                    return Result();
            }
        }
        catch (EvaluationFailure failure) when (failure.Diagnostic.Id == DslDiagnostics.NonConstantArgument.Id && failure.Diagnostic.Arguments[1] == "")
        {
            // Not an argument but the definition itself that is not a DSL chain.
            diagnostics.Add(failure.Diagnostic with { Id = DslDiagnostics.UnsupportedExpression.Id, Arguments = EquatableArray.Of(failure.Diagnostic.Arguments[0]) });
            return Result();
        }
        catch (EvaluationFailure failure)
        {
            diagnostics.Add(failure.Diagnostic);
            return Result();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            diagnostics.Add(Diagnostic(DslDiagnostics.InternalError, memberLocation, e.GetType().Name + ": " + e.Message));
            return Result();
        }

        void Report(IEnumerable<SpecProblem> problems)
        {
            foreach (var problem in problems)
            {
                diagnostics.Add(Diagnostic(problem.Diagnostic, evaluator.LastCallOf(problem.BlameMethod) ?? memberLocation, problem.Arguments));
            }
        }
    }

    /// <summary>Why <paramref name="type"/> cannot hold a definition, or null: the runtime loader and the catalog name a
    /// definition by a top-level, non-generic type.</summary>
    private static string? UnsupportedContainer(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsGenericType)
            {
                return "the generic type '" + t.ToDisplayString() + "'";
            }
        }

        return type.ContainingType is not null ? "the nested type '" + type.ToDisplayString() + "'" : null;
    }

    /// <summary>The expression a definition's value comes from: an expression body, a getter returning it, or a field initializer.</summary>
    private static ExpressionSyntax? DefinitionExpression(SyntaxNode node) => node switch
    {
        PropertyDeclarationSyntax { ExpressionBody: { } body } => body.Expression,
        PropertyDeclarationSyntax { Initializer: { } initializer } => initializer.Value,
        PropertyDeclarationSyntax { AccessorList: { } accessors } => accessors.Accessors
            .Where(a => a.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.GetAccessorDeclaration))
            .Select(a => a.ExpressionBody?.Expression
                         ?? (a.Body?.Statements.LastOrDefault() as ReturnStatementSyntax)?.Expression)
            .FirstOrDefault(),
        VariableDeclaratorSyntax { Initializer: { } initializer } => initializer.Value,
        _ => null,
    };

    private static DiagnosticInfo Diagnostic(DslDiagnostic diagnostic, Location? location, params string[] arguments) =>
        new(diagnostic.Id, LocationInfo.From(location), arguments.ToEquatableArray());
}
