using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using Distroless.Dsl.Generators.Model;
using Distroless.Dsl.Model;
using Distroless.Dsl.Rules;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Distroless.Dsl.Generators.Parsing;

/// <summary>Thrown inside the evaluator when a chain cannot be evaluated; carries the compile error to report.</summary>
internal sealed class EvaluationFailure : Exception
{
    public EvaluationFailure(DiagnosticInfo diagnostic) => Diagnostic = diagnostic;

    public DiagnosticInfo Diagnostic { get; }
}

/// <summary>Evaluates a definition's fluent chain at compile time by replaying its calls on the DSL's own types
/// (compiled into the generator), so the generator and the run-time DSL cannot disagree on meaning.
/// Only constants, DSL calls and references to other definitions are accepted; anything else is a diagnostic.</summary>
internal sealed class ChainEvaluator
{
    private const string DslNamespace = "Distroless.Dsl";
    private static readonly Assembly DslAssembly = typeof(ImageDefinition).Assembly;

    private readonly CancellationToken _cancellation;
    private readonly List<ReferenceInfo> _references = new();
    private readonly List<(string Method, Location Location)> _calls = new();

    public ChainEvaluator(CancellationToken cancellation) => _cancellation = cancellation;

    /// <summary>Definitions this chain references, in the order written.</summary>
    public IReadOnlyList<ReferenceInfo> References => _references;

    /// <summary>Where the last call of <paramref name="method"/> is written, to place whole-definition errors.</summary>
    public Location? LastCallOf(string? method) =>
        method is null ? null : _calls.LastOrDefault(c => c.Method == method).Location;

    public object? Evaluate(IOperation operation, Type? targetType)
    {
        _cancellation.ThrowIfCancellationRequested();
        if (operation.ConstantValue.HasValue)
        {
            return ConvertConstant(operation.ConstantValue.Value, targetType, operation);
        }

        switch (operation)
        {
            case IConversionOperation conversion when conversion.Conversion.IsImplicit || conversion.Conversion.IsIdentity:
                return Evaluate(conversion.Operand, targetType);
            case IArrayCreationOperation { Initializer: { } initializer }:
                return MakeArray(initializer.ElementValues, targetType, operation);
            case ICollectionExpressionOperation collection:
                return MakeArray(collection.Elements, targetType, operation);
            case IInvocationOperation invocation:
                return Invoke(invocation);
            case IPropertyReferenceOperation { Instance: null } property:
                return Reference(property.Property, operation);
            case IFieldReferenceOperation { Instance: null } field:
                return Reference(field.Field, operation);
            default:
                throw NonConstant(operation, "");
        }
    }

    private object? Invoke(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (!IsDslType(method.ContainingType))
        {
            throw NonConstant(invocation, "");
        }

        var receiver = method.IsStatic ? null : Evaluate(invocation.Instance!, null);
        var parameters = method.Parameters.Select(p => ToType(p.Type)).ToArray();
        if (parameters.Any(p => p is null))
        {
            throw Unsupported(invocation, method.ToDisplayString());
        }

        var declaring = method.IsStatic ? ToType(method.ContainingType) : receiver?.GetType();
        var target = declaring?.GetMethod(method.Name, BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance, null, parameters!, null)
                     ?? throw Unsupported(invocation, method.ToDisplayString());

        var arguments = new object?[parameters.Length];
        foreach (var argument in invocation.Arguments)
        {
            var ordinal = argument.Parameter!.Ordinal;
            try
            {
                arguments[ordinal] = Evaluate(argument.Value, parameters[ordinal]);
            }
            catch (EvaluationFailure failure) when (failure.Diagnostic.Id == DslDiagnostics.NonConstantArgument.Id && failure.Diagnostic.Arguments[1] == "")
            {
                // Name the call whose argument it is, for a message that says where to look.
                throw new EvaluationFailure(failure.Diagnostic with
                {
                    Arguments = EquatableArray.Of(failure.Diagnostic.Arguments[0], (invocation.Instance?.Type ?? method.ContainingType).Name + "." + method.Name),
                });
            }
        }

        foreach (var parameter in method.Parameters)
        {
            if (arguments[parameter.Ordinal] is null && parameter.Type.IsReferenceType && parameter.NullableAnnotation != NullableAnnotation.Annotated)
            {
                throw new EvaluationFailure(new DiagnosticInfo(DslDiagnostics.InvalidArgument.Id,
                    LocationInfo.From(ArgumentLocation(invocation, parameter.Name) ?? invocation.Syntax.GetLocation()),
                    EquatableArray.Of("'" + parameter.Name + "' of '" + method.Name + "' must not be null")));
            }
        }

        var callLocation = CallLocation(invocation);
        _calls.Add((method.Name, callLocation));
        try
        {
            return target.Invoke(receiver, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is DslException dsl)
        {
            var location = ArgumentLocation(invocation, dsl.Blame) ?? callLocation;
            throw new EvaluationFailure(new DiagnosticInfo(dsl.Diagnostic.Id, LocationInfo.From(location), dsl.Arguments.ToEquatableArray()));
        }
    }

    private object Reference(ISymbol member, IOperation operation)
    {
        var attribute = member.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == DslNamespace + ".ImageAttribute");
        var memberType = member switch
        {
            IPropertySymbol p => p.Type,
            IFieldSymbol f => f.Type,
            _ => null,
        };
        var type = memberType is null ? null : ToType(memberType);
        if (attribute is null || type is null || !typeof(ImageDefinition).IsAssignableFrom(type) || type.IsAbstract)
        {
            if (type is not null && (typeof(ImageDefinition).IsAssignableFrom(type) || type == typeof(StackDefinition)))
            {
                throw new EvaluationFailure(new DiagnosticInfo(DslDiagnostics.NotADefinition.Id, LocationInfo.From(operation.Syntax.GetLocation()),
                    EquatableArray.Of(member.ContainingType.Name + "." + member.Name)));
            }

            throw NonConstant(operation, "");
        }

        var (name, version) = DefinitionAttributes.Read(attribute);
        _references.Add(new ReferenceInfo(name, LocationInfo.From(operation.Syntax.GetLocation())));
        return ImageDefinition.CreateReference(type, new ImageRef(name, version, ImageDefinition.TierOf(type)));
    }

    private Array MakeArray(IEnumerable<IOperation> elements, Type? targetType, IOperation operation)
    {
        var elementType = targetType?.GetElementType() ?? throw NonConstant(operation, "");
        var values = elements.Select(e => Evaluate(e, elementType)).ToArray();
        var array = Array.CreateInstance(elementType, values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            array.SetValue(values[i], i);
        }

        return array;
    }

    private static object? ConvertConstant(object? value, Type? targetType, IOperation operation)
    {
        if (value is null || targetType is null)
        {
            return value;
        }

        var underlying = Nullable.GetUnderlyingType(targetType) ?? targetType;
        if (underlying.IsEnum)
        {
            return Enum.ToObject(underlying, value);
        }

        if (underlying.IsInstanceOfType(value))
        {
            return value;
        }

        try
        {
            return System.Convert.ChangeType(value, underlying, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw NonConstant(operation, "");
        }
    }

    private static Location CallLocation(IInvocationOperation invocation) =>
        invocation.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
        {
            Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access,
        } syntax
            ? Location.Create(syntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(access.Name.SpanStart, syntax.Span.End))
            : invocation.Syntax.GetLocation();

    /// <summary>Where the argument for parameter <paramref name="parameterName"/> is written: the first element of a params
    /// array, or element N when the DSL blames <c>name[N]</c>.</summary>
    private static Location? ArgumentLocation(IInvocationOperation invocation, string? parameterName)
    {
        var element = 0;
        var bracket = parameterName?.IndexOf('[') ?? -1;
        if (bracket > 0 && parameterName!.EndsWith("]", StringComparison.Ordinal)
            && int.TryParse(parameterName.Substring(bracket + 1, parameterName.Length - bracket - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            element = index;
            parameterName = parameterName.Substring(0, bracket);
        }

        var parameter = invocation.TargetMethod.Parameters.FirstOrDefault(p => p.Name == parameterName);
        if (parameter is null || invocation.Syntax is not Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax syntax)
        {
            return null;
        }

        var arguments = syntax.ArgumentList.Arguments;
        var named = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameter.Name);
        if (named is not null)
        {
            return named.GetLocation();
        }

        var position = parameter.Ordinal + (parameter.IsParams ? element : 0);
        if (parameter.IsParams && position >= arguments.Count)
        {
            position = parameter.Ordinal; // an array passed whole: blame the array
        }

        return position < arguments.Count && arguments[position].NameColon is null
            ? arguments[position].GetLocation()
            : null;
    }

    private static bool IsDslType(INamedTypeSymbol type) =>
        type.ContainingNamespace?.ToDisplayString() == DslNamespace && type.ContainingAssembly?.Name == DslNamespace;

    /// <summary>The run-time type of a symbol, for the types DSL methods take.</summary>
    private static Type? ToType(ITypeSymbol symbol)
    {
        switch (symbol.SpecialType)
        {
            case SpecialType.System_String: return typeof(string);
            case SpecialType.System_Int32: return typeof(int);
            case SpecialType.System_Int64: return typeof(long);
            case SpecialType.System_Boolean: return typeof(bool);
            case SpecialType.System_Double: return typeof(double);
            case SpecialType.System_Object: return typeof(object);
        }

        if (symbol is IArrayTypeSymbol array)
        {
            return ToType(array.ElementType)?.MakeArrayType();
        }

        if (symbol is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            var inner = ToType(nullable.TypeArguments[0]);
            return inner is null ? null : typeof(Nullable<>).MakeGenericType(inner);
        }

        if (symbol is INamedTypeSymbol named && IsDslType(named) && !named.IsGenericType)
        {
            return DslAssembly.GetType(DslNamespace + "." + named.MetadataName);
        }

        if (symbol is INamedTypeSymbol model && model.ContainingNamespace?.ToDisplayString() == DslNamespace + ".Model")
        {
            return DslAssembly.GetType(DslNamespace + ".Model." + model.MetadataName);
        }

        return null;
    }

    private static EvaluationFailure NonConstant(IOperation operation, string call) =>
        new(new DiagnosticInfo(DslDiagnostics.NonConstantArgument.Id, LocationInfo.From(operation.Syntax.GetLocation()),
            EquatableArray.Of(operation.Syntax.ToString(), call)));

    private static EvaluationFailure Unsupported(IOperation operation, string what) =>
        new(new DiagnosticInfo(DslDiagnostics.UnsupportedExpression.Id, LocationInfo.From(operation.Syntax.GetLocation()),
            EquatableArray.Of(what)));
}
