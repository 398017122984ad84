using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Distroless.Dsl.Tests.Generator;

/// <summary>One random, plausible edit to a definitions file: the kinds of mistakes people make (a value changed to
/// something invalid, a call or argument deleted or duplicated, a member renamed, a class made generic or nested).</summary>
internal static class DefinitionFuzzer
{
    private static readonly string[] Strings =
    {
        "", "x", "/", "../etc", "a b", "Ünïcödé", "{", "\\\"", "linux/s390x", "ROOT", "0", "/app/{arch}", "base", new string('a', 300), "postgres://{db_password}@x",
    };

    private static readonly string[] Numbers = { "0", "-1", "65536", "2147483647", "1", "5432", "999999999999" };

    public static string Edit(string source, Random random, out string description)
    {
        var root = CSharpSyntaxTree.ParseText(source).GetRoot();
        var tokens = root.DescendantTokens().Where(t => t.Span.Length > 0).ToList();
        var token = tokens[random.Next(tokens.Count)];
        switch (random.Next(8))
        {
            case 0:
                var literal = tokens.Where(t => t.IsKind(SyntaxKind.StringLiteralToken)).ToList();
                token = literal.Count > 0 ? literal[random.Next(literal.Count)] : token;
                var text = SymbolDisplay.FormatLiteral(Strings[random.Next(Strings.Length)], quote: true);
                description = "string " + token.Text + " -> " + Short(text);
                return Replace(source, token.Span.Start, token.Span.Length, text);
            case 1:
                var numbers = tokens.Where(t => t.IsKind(SyntaxKind.NumericLiteralToken)).ToList();
                token = numbers.Count > 0 ? numbers[random.Next(numbers.Count)] : token;
                var number = Numbers[random.Next(Numbers.Length)];
                description = "number " + token.Text + " -> " + number;
                return Replace(source, token.Span.Start, token.Span.Length, number);
            case 2:
                description = "delete '" + Short(token.Text) + "' at " + token.Span.Start;
                return Replace(source, token.Span.Start, token.Span.Length, "");
            case 3:
                description = "duplicate '" + Short(token.Text) + "' at " + token.Span.Start;
                return Replace(source, token.Span.Start, 0, token.Text + " ");
            case 4:
                // Drop one call of a chain: ".Name(args)".
                var calls = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
                    .Where(c => c.Expression is Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax).ToList();
                if (calls.Count == 0)
                {
                    goto default;
                }

                var call = calls[random.Next(calls.Count)];
                var access = (Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax)call.Expression;
                var start = access.OperatorToken.SpanStart;
                description = "drop call " + access.Name + " at " + start;
                return Replace(source, start, call.Span.End - start, "");
            case 5:
                var names = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToList();
                var other = names[random.Next(names.Count)];
                token = names[random.Next(names.Count)];
                description = "rename " + token.Text + " -> " + other.Text + " at " + token.Span.Start;
                return Replace(source, token.Span.Start, token.Span.Length, other.Text);
            case 6:
                var type = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().FirstOrDefault();
                if (type is null)
                {
                    goto default;
                }

                description = "make " + type.Identifier.Text + " generic";
                return Replace(source, type.Identifier.Span.End, 0, "<T>");
            case 7:
                var outer = root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().FirstOrDefault();
                if (outer is null)
                {
                    goto default;
                }

                description = "nest " + outer.Identifier.Text + " in Outer";
                return Replace(Replace(source, outer.Span.End, 0, " }"), outer.SpanStart, 0, "public static class Outer { ");
            default:
                description = "swap '" + Short(token.Text) + "'";
                return Replace(source, token.Span.Start, token.Span.Length, "(");
        }
    }

    private static string Replace(string source, int start, int length, string text) =>
        source.Substring(0, start) + text + source.Substring(start + length);

    private static string Short(string text) => text.Length > 40 ? text.Substring(0, 40) + "…" : text;
}
