using System.Reflection;
using System.Reflection.Emit;

namespace MailGateway.Api.Tests.Architecture;

/// <summary>The types one type uses: its base type and interfaces, the types of its fields, properties, events and
/// method signatures, its attributes, and every type, method or field token in its method bodies' IL (so a static
/// call or a <c>new</c> inside a method counts as much as a field does). Not seen: constants, which the compiler copies
/// into their users; <see cref="NamespaceGraph.WithUsings"/> covers those from the sources.</summary>
internal static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static
        | BindingFlags.Instance | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    public static IEnumerable<Type> Of(Type type)
    {
        var direct = new List<Type?> { type.BaseType };
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        direct.AddRange(type.GetFields(Declared).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(Declared).Select(p => p.PropertyType));
        direct.AddRange(type.GetEvents(Declared).Select(e => e.EventHandlerType));
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info) direct.Add(info.ReturnType);
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
            direct.AddRange(method.GetCustomAttributesData().Select(a => a.AttributeType));
            direct.AddRange(InBody(method));
        }
        return direct.OfType<Type>().SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.IsGenericParameter) yield break;
        if (type.HasElementType) { foreach (var t in Unwrap(type.GetElementType()!)) yield return t; yield break; }
        yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        if (!type.IsGenericType) yield break;
        foreach (var t in type.GetGenericArguments().SelectMany(Unwrap)) yield return t;
    }

    private static IEnumerable<Type?> InBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        for (var at = 0; at < il.Length;)
        {
            var code = il[at] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[at + 1])] : OpCodesByValue[il[at]];
            at += code.Size;
            if (code.OperandType is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField
                or OperandType.InlineTok)
            {
                foreach (var used in Resolve(method, BitConverter.ToInt32(il, at))) yield return used;
            }
            at += OperandSize(code.OperandType, il, at);
        }
    }

    private static IEnumerable<Type?> Resolve(MethodBase method, int token)
    {
        var member = method.Module.ResolveMember(token,
            method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
            method.IsGenericMethod ? method.GetGenericArguments() : null);
        switch (member)
        {
            case Type t: yield return t; break;
            case FieldInfo f: yield return f.DeclaringType; yield return f.FieldType; break;
            case MethodInfo m:
                yield return m.DeclaringType;
                if (m.IsGenericMethod) foreach (var t in m.GetGenericArguments()) yield return t;
                break;
            case ConstructorInfo c: yield return c.DeclaringType; break;
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
