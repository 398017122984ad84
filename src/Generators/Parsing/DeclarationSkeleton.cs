using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Distroless.Dsl.Generators.Parsing;

/// <summary>A file's tokens without the member bodies: everything in it that the binding of code in another file can
/// depend on. C# binds an expression against other members' declarations (types, signatures, attributes, constants,
/// usings) and never against another member's body or a non-constant initializer, so two versions of a file with the
/// same skeleton cannot change what any other file's definition evaluates to.</summary>
internal static class DeclarationSkeleton
{
    private static readonly ConditionalWeakTable<SyntaxTree, string> Cache = new();

    /// <summary>The skeleton's text, computed once per (immutable) tree.</summary>
    public static string Of(SyntaxTree tree, CancellationToken cancellation)
    {
        if (Cache.TryGetValue(tree, out var known))
        {
            return known;
        }

        var text = new StringBuilder();
        foreach (var token in tree.GetRoot(cancellation).DescendantTokens(node => !IsBody(node)))
        {
            // A separator no token contains, so "a b" and "ab" differ.
            text.Append(token.Text).Append('\u0001');
        }

        var skeleton = text.ToString();
        return Cache.GetValue(tree, _ => skeleton);
    }

    /// <summary>A method's, accessor's or property's body, a property initializer, or a non-constant field's initializer.
    /// Constant initializers, enum values, default parameter values and attribute arguments stay: other files see them.</summary>
    internal static bool IsBody(SyntaxNode node) => node switch
    {
        BlockSyntax or ArrowExpressionClauseSyntax => node.Parent is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax
            or BasePropertyDeclarationSyntax,
        EqualsValueClauseSyntax => node.Parent is PropertyDeclarationSyntax
            || node.Parent is VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: BaseFieldDeclarationSyntax field } }
            && !field.Modifiers.Any(SyntaxKind.ConstKeyword),
        _ => false,
    };
}
