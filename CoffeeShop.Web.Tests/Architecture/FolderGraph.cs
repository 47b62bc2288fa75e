using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace CoffeeShop.Web.Tests.Architecture;

/// <summary>
/// Which top-level folders of the web project use which, read from the compiled assembly: base types,
/// interfaces, attributes, fields, properties, signatures, locals and every type, method or field a
/// method body names. Razor views (compiled into <c>AspNetCoreGeneratedDocument</c>) count as their folder.
/// </summary>
internal sealed class FolderGraph
{
    private const string Root = "CoffeeShop.Web";

    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly Dictionary<(string From, string To), string> _edges = [];
    private readonly Dictionary<string, List<(Type Target, string Example)>> _external = [];

    public static FolderGraph Of(Assembly assembly)
    {
        var graph = new FolderGraph();
        foreach (var type in assembly.GetTypes())
        {
            if (FolderOf(type) is { } folder)
            {
                graph.Read(type, folder);
            }
        }

        return graph;
    }

    public IEnumerable<string> Folders => _edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Edges between two different folders, each with one use that causes it.</summary>
    public IReadOnlyDictionary<(string From, string To), string> Edges => _edges
        .Where(e => e.Key.From != e.Key.To)
        .ToDictionary(e => e.Key, e => e.Value);

    public IEnumerable<string> Uses(string folder) =>
        Edges.Keys.Where(e => e.From == folder).Select(e => e.To).Order(StringComparer.Ordinal);

    /// <summary>Types outside the project that a folder uses, each with one use.</summary>
    public IEnumerable<(Type Target, string Example)> ExternalUses(string folder) =>
        _external.TryGetValue(folder, out var uses) ? uses : [];

    public string Describe() => string.Join(Environment.NewLine,
        Folders.Select(f => $"{f} → {string.Join(", ", Uses(f))}"));

    /// <summary>
    /// "Payments.Stripe" for CoffeeShop.Web.Payments.Stripe.*, "Payments" for the rest of Payments, the first
    /// segment elsewhere; "Program" for the top-level statements; null for types that are not the project's.
    /// </summary>
    internal static string? FolderOf(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        if (type.Namespace == "AspNetCoreGeneratedDocument")
        {
            // Views are named after their path: Pages_Cart_Index, Areas_Identity_Pages_Account_Login.
            return type.Name.Split('_')[0] is "Pages" or "Areas" ? type.Name.Split('_')[0] : null;
        }

        if (type.Namespace is null && type.Name == "Program")
        {
            return "Program";
        }

        if (type.Namespace is not { } ns || !(ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal)))
        {
            return null;
        }

        var segments = ns[Root.Length..].Split('.', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            [] => Root,
            ["Payments", var implementation, ..] => $"Payments.{implementation}",
            [var first, ..] => first,
        };
    }

    private void Read(Type type, string folder)
    {
        var name = ReadableName(type);
        Add(folder, type.BaseType, name);
        foreach (var implemented in type.GetInterfaces())
        {
            Add(folder, implemented, name);
        }

        AddAttributes(folder, type.CustomAttributes, name);
        foreach (var field in type.GetFields(Declared))
        {
            Add(folder, field.FieldType, $"{name}.{field.Name}");
            AddAttributes(folder, field.CustomAttributes, $"{name}.{field.Name}");
        }

        foreach (var property in type.GetProperties(Declared))
        {
            Add(folder, property.PropertyType, $"{name}.{property.Name}");
            AddAttributes(folder, property.CustomAttributes, $"{name}.{property.Name}");
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            var where = $"{name}.{method.Name}";
            AddAttributes(folder, method.CustomAttributes, where);
            if (method is MethodInfo info)
            {
                Add(folder, info.ReturnType, where);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(folder, parameter.ParameterType, where);
                AddAttributes(folder, parameter.CustomAttributes, where);
            }

            ReadBody(folder, type, method, where);
        }
    }

    private void ReadBody(string folder, Type type, MethodBase method, string where)
    {
        var body = method.GetMethodBody();
        if (body?.GetILAsByteArray() is not { } il)
        {
            return;
        }

        foreach (var local in body.LocalVariables)
        {
            Add(folder, local.LocalType, where);
        }

        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[unchecked((short)(0xFE00 | il[i + 1]))] : OpCodesByValue[il[i]];
            i += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    AddMember(folder, method.Module, BitConverter.ToInt32(il, i), typeArguments, methodArguments, where);
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private void AddMember(string folder, Module module, int token, Type[]? typeArguments, Type[]? methodArguments, string where)
    {
        var member = module.ResolveMember(token, typeArguments, methodArguments);
        switch (member)
        {
            case Type referenced:
                Add(folder, referenced, where);
                break;
            case MethodInfo called:
                Add(folder, called.DeclaringType, where);
                foreach (var argument in called.IsGenericMethod ? called.GetGenericArguments() : [])
                {
                    Add(folder, argument, where);
                }

                break;
            case not null:
                Add(folder, member.DeclaringType, where);
                break;
        }
    }

    private void AddAttributes(string folder, IEnumerable<CustomAttributeData> attributes, string where)
    {
        foreach (var attribute in attributes)
        {
            Add(folder, attribute.AttributeType, where);
            foreach (var argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(a => a.TypedValue)))
            {
                if (argument.Value is Type named)
                {
                    Add(folder, named, where);
                }
            }
        }
    }

    private void Add(string folder, Type? target, string where)
    {
        if (target is null || target.IsGenericParameter)
        {
            return;
        }

        if (target.HasElementType)
        {
            Add(folder, target.GetElementType(), where);
            return;
        }

        if (target.IsConstructedGenericType)
        {
            foreach (var argument in target.GetGenericArguments())
            {
                Add(folder, argument, where);
            }

            target = target.GetGenericTypeDefinition();
        }

        if (FolderOf(target) is { } to)
        {
            _edges.TryAdd((folder, to), $"{where} uses {ReadableName(target)}");
        }
        else
        {
            var uses = _external.TryGetValue(folder, out var list) ? list : _external[folder] = [];
            if (!uses.Exists(u => u.Target == target))
            {
                uses.Add((target, $"{where} uses {target.FullName ?? target.Name}"));
            }
        }
    }

    /// <summary>The type as its source names it: a lambda's closure or a state machine reads as the type that holds it.</summary>
    private static string ReadableName(Type type)
    {
        while (type.DeclaringType is { } outer && type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false))
        {
            type = outer;
        }

        return (type.FullName ?? type.Name).Replace(Root + ".", "", StringComparison.Ordinal);
    }
}
