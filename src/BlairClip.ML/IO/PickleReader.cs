using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace BlairClip.ML.IO;

/// <summary>A global (<c>module.name</c>) referenced by a pickle. The reader never resolves it to code: it is a
/// name that the policy may map to a data constructor, or reject.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A Python dict or OrderedDict: insertion-ordered pairs (keys are strings, numbers or tuples).</summary>
internal sealed class PickleDict
{
    private readonly Dictionary<object, int> _index = new();

    public List<KeyValuePair<object, object?>> Items { get; } = new();

    /// <summary>Sets <paramref name="key"/>, keeping its first position when it is set again (Python semantics).</summary>
    public void Set(object key, object? value)
    {
        if (_index.TryGetValue(key, out int i)) Items[i] = new(key, value);
        else { _index[key] = Items.Count; Items.Add(new(key, value)); }
    }
}

/// <summary>What a restricted pickle may do: which globals it may name, how a call (REDUCE) of an allowed global
/// is turned into data, and what a persistent id refers to.</summary>
internal interface IPicklePolicy
{
    /// <summary>Throws when <paramref name="global"/> is not allowed (before anything else happens with it).</summary>
    void CheckGlobal(PickleGlobal global, long position);

    /// <summary>The value of <c>callable(*args)</c>; <paramref name="callable"/> is an allowed global.</summary>
    object? Reduce(PickleGlobal callable, object?[] args, long position);

    object? PersistentLoad(object? pid, long position);
}

/// <summary>A pickle virtual machine that only builds data: strings, numbers, tuples (<c>object?[]</c>), lists,
/// dicts, and what <see cref="IPicklePolicy"/> builds from allowed globals. It implements the opcodes of
/// protocols 2–5 that state dicts use and rejects every other opcode, so no pickle can run code through it.</summary>
internal sealed class PickleReader
{
    private static readonly object Mark = new();
    private readonly byte[] _data;
    private readonly string _source;
    private readonly IPicklePolicy _policy;
    private readonly List<object?> _stack = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _pos;

    private PickleReader(byte[] data, string source, IPicklePolicy policy)
    {
        _data = data; _source = source; _policy = policy;
    }

    /// <summary>Runs the pickle in <paramref name="data"/> to its STOP opcode and returns the top of the stack.</summary>
    /// <exception cref="CheckpointFormatException">Malformed or truncated pickle, or an opcode outside the subset.</exception>
    public static object? Load(byte[] data, string source, IPicklePolicy policy) => new PickleReader(data, source, policy).Run();

    private CheckpointFormatException Error(string message, long position) => new($"{_source} at byte {position}: {message}");

    private object? Run()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw Error("pickle ends without a STOP opcode (truncated?).", _pos);
            int at = _pos;
            byte op = _data[_pos++];
            switch (op)
            {
                case 0x80: ReadBytes(1); break;                                           // PROTO n
                case 0x95: ReadBytes(8); break;                                           // FRAME length (framing is advisory)
                case (byte)'.':                                                           // STOP
                    if (_stack.Count != 1) throw Error($"STOP with {_stack.Count} values on the stack, expected 1.", at);
                    return Pop(at);
                case (byte)'(': _stack.Add(Mark); break;                                  // MARK
                case (byte)'}': _stack.Add(new PickleDict()); break;                      // EMPTY_DICT
                case (byte)']': _stack.Add(new List<object?>()); break;                   // EMPTY_LIST
                case (byte)')': _stack.Add(Array.Empty<object?>()); break;                // EMPTY_TUPLE
                case (byte)'N': _stack.Add(null); break;                                  // NONE
                case 0x88: _stack.Add(true); break;                                       // NEWTRUE
                case 0x89: _stack.Add(false); break;                                      // NEWFALSE
                case (byte)'K': _stack.Add((long)ReadBytes(1)[0]); break;                 // BININT1
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break;  // BININT
                case 0x8a: _stack.Add(ReadLong(ReadBytes(1)[0], at)); break;              // LONG1
                case 0x8b: _stack.Add(ReadLong(ReadLength(4, at), at)); break;            // LONG4
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case (byte)'X': _stack.Add(ReadUtf8(ReadLength(4, at), at)); break;       // BINUNICODE
                case 0x8c: _stack.Add(ReadUtf8(ReadBytes(1)[0], at)); break;              // SHORT_BINUNICODE
                case 0x8d: _stack.Add(ReadUtf8(ReadLength(8, at), at)); break;            // BINUNICODE8
                case (byte)'T': _stack.Add(Encoding.Latin1.GetString(ReadBytes(ReadLength(4, at)))); break; // BINSTRING
                case (byte)'U': _stack.Add(Encoding.Latin1.GetString(ReadBytes(ReadBytes(1)[0]))); break;   // SHORT_BINSTRING
                case (byte)'B': _stack.Add(ReadBytes(ReadLength(4, at)).ToArray()); break; // BINBYTES
                case (byte)'C': _stack.Add(ReadBytes(ReadBytes(1)[0]).ToArray()); break;  // SHORT_BINBYTES
                case 0x8e: _stack.Add(ReadBytes(ReadLength(8, at)).ToArray()); break;     // BINBYTES8
                case (byte)'t': _stack.Add(PopToMark(at).ToArray()); break;               // TUPLE
                case 0x85: _stack.Add(new[] { Pop(at) }); break;                          // TUPLE1
                case 0x86: { var b = Pop(at); var a = Pop(at); _stack.Add(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(at); var b = Pop(at); var a = Pop(at); _stack.Add(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'l': _stack.Add(PopToMark(at)); break;                         // LIST
                case (byte)'a': { var v = Pop(at); Peek<List<object?>>("APPEND", at).Add(v); break; }
                case (byte)'e': { var items = PopToMark(at); Peek<List<object?>>("APPENDS", at).AddRange(items); break; }
                case (byte)'d': { var d = new PickleDict(); AddPairs(d, PopToMark(at), at); _stack.Add(d); break; } // DICT
                case (byte)'s': { var v = Pop(at); var k = Pop(at); AddPairs(Peek<PickleDict>("SETITEM", at), [k, v], at); break; }
                case (byte)'u': { var items = PopToMark(at); AddPairs(Peek<PickleDict>("SETITEMS", at), items, at); break; }
                case (byte)'0': Pop(at); break;                                           // POP
                case (byte)'1': PopToMark(at); break;                                     // POP_MARK
                case (byte)'2': _stack.Add(PeekAny(at)); break;                           // DUP
                case (byte)'q': _memo[ReadBytes(1)[0]] = PeekAny(at); break;              // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = PeekAny(at); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = PeekAny(at); break;                       // MEMOIZE
                case (byte)'h': _stack.Add(MemoGet(ReadBytes(1)[0], at)); break;          // BINGET
                case (byte)'j': _stack.Add(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)), at)); break; // LONG_BINGET
                case (byte)'c': PushGlobal(ReadLine(at), ReadLine(at), at); break;        // GLOBAL "module\nname\n"
                case 0x93:                                                                // STACK_GLOBAL
                {
                    var name = Pop(at) as string ?? throw Error("STACK_GLOBAL name is not a string.", at);
                    var module = Pop(at) as string ?? throw Error("STACK_GLOBAL module is not a string.", at);
                    PushGlobal(module, name, at);
                    break;
                }
                case (byte)'Q': _stack.Add(_policy.PersistentLoad(Pop(at), at)); break;   // BINPERSID
                case (byte)'R':                                                           // REDUCE
                {
                    var args = Pop(at) as object?[] ?? throw Error("REDUCE arguments are not a tuple.", at);
                    var callable = Pop(at) as PickleGlobal ?? throw Error("REDUCE of something that is not a global.", at);
                    _stack.Add(_policy.Reduce(callable, args, at));
                    break;
                }
                case (byte)'b':                                                           // BUILD
                {
                    Pop(at); // the state (e.g. OrderedDict._metadata): data only, nothing to call
                    if (PeekAny(at) is not (PickleDict or TorchTensor))
                        throw Error($"BUILD on a {Describe(PeekAny(at))}; only dicts and tensors may carry state in a state dict.", at);
                    break;
                }
                default:
                    throw Error($"pickle opcode 0x{op:x2} ('{(op is >= 32 and < 127 ? (char)op : '?')}') is not allowed in a state dict " +
                        "(only data opcodes of protocols 2-5 are read; object construction and code are refused).", at);
            }
        }
    }

    private void PushGlobal(string module, string name, long at)
    {
        var g = new PickleGlobal(module, name);
        _policy.CheckGlobal(g, at);
        _stack.Add(g);
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || _pos + count > _data.Length)
            throw Error($"needs {count} more bytes, but the pickle ends after {_data.Length - _pos} (truncated?).", _pos);
        var span = _data.AsSpan(_pos, count);
        _pos += count;
        return span;
    }

    private int ReadLength(int width, long at)
    {
        var bytes = ReadBytes(width);
        long n = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (n < 0 || n > _data.Length - _pos) throw Error($"length {n} runs past the end of the pickle ({_data.Length - _pos} bytes left).", at);
        return (int)n;
    }

    private string ReadUtf8(int length, long at)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadBytes(length)); }
        catch (DecoderFallbackException) { throw Error("string is not valid UTF-8.", at); }
    }

    private string ReadLine(long at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Error("GLOBAL name is not terminated by a newline.", at);
        var s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    /// <summary>Python ints of LONG1/LONG4: little-endian two's complement; kept as long when they fit.</summary>
    private object ReadLong(int length, long at)
    {
        var value = new BigInteger(ReadBytes(length), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private object? Pop(long at)
    {
        if (_stack.Count == 0) throw Error("stack underflow.", at);
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        if (ReferenceEquals(v, Mark)) throw Error("unexpected MARK on the stack.", at);
        return v;
    }

    private object? PeekAny(long at)
    {
        if (_stack.Count == 0 || ReferenceEquals(_stack[^1], Mark)) throw Error("stack underflow.", at);
        return _stack[^1];
    }

    private T Peek<T>(string opcode, long at) where T : class =>
        PeekAny(at) as T ?? throw Error($"{opcode} on a {Describe(PeekAny(at))}, expected a {typeof(T).Name}.", at);

    private List<object?> PopToMark(long at)
    {
        int mark = _stack.FindLastIndex(v => ReferenceEquals(v, Mark));
        if (mark < 0) throw Error("no MARK on the stack.", at);
        var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void AddPairs(PickleDict dict, List<object?> items, long at)
    {
        if (items.Count % 2 != 0) throw Error($"odd number of dict items ({items.Count}).", at);
        for (int i = 0; i < items.Count; i += 2)
        {
            var key = items[i] ?? throw Error("dict key is None.", at);
            dict.Set(key, items[i + 1]);
        }
    }

    private object? MemoGet(long index, long at) =>
        _memo.TryGetValue(index, out var v) ? v : throw Error($"memo entry {index} was never stored.", at);

    internal static string Describe(object? v) => v switch
    {
        null => "None",
        string => "str",
        long or BigInteger => "int",
        double => "float",
        bool => "bool",
        object?[] => "tuple",
        List<object?> => "list",
        PickleDict => "dict",
        PickleGlobal g => $"global {g}",
        _ => v.GetType().Name,
    };
}
