using System;
using System.Collections.Generic;
using System.Text;

namespace Distroless.Dsl.Runner.Building;

/// <summary>One step (vertex) of a BuildKit build as a trace message reports it.</summary>
internal sealed record BuildKitVertex(string Digest, string Name, bool Cached, bool Started, bool Completed, string Error);

/// <summary>Output a step wrote.</summary>
internal sealed record BuildKitLog(string Vertex, string Text);

/// <summary>Decodes the <c>moby.buildkit.trace</c> aux messages of <c>POST /build?version=2</c>: a base64 protobuf
/// <c>StatusResponse</c> (moby/buildkit api/services/control/control.proto). Only the fields we show are read.</summary>
internal static class BuildKitTrace
{
    public static (IReadOnlyList<BuildKitVertex> Vertexes, IReadOnlyList<BuildKitLog> Logs) Decode(string base64)
    {
        var vertexes = new List<BuildKitVertex>();
        var logs = new List<BuildKitLog>();
        var reader = new ProtoReader(Convert.FromBase64String(base64));
        while (reader.Next(out var field, out var wireType))
        {
            if (field == 1 && wireType == 2)
            {
                vertexes.Add(Vertex(new ProtoReader(reader.Bytes())));
            }
            else if (field == 3 && wireType == 2)
            {
                logs.Add(Log(new ProtoReader(reader.Bytes())));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return (vertexes, logs);
    }

    private static BuildKitVertex Vertex(ProtoReader reader)
    {
        string digest = "", name = "", error = "";
        bool cached = false, started = false, completed = false;
        while (reader.Next(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 when wireType == 2: digest = reader.String(); break;
                case 3 when wireType == 2: name = reader.String(); break;
                case 4 when wireType == 0: cached = reader.Varint() != 0; break;
                case 5 when wireType == 2: reader.Bytes(); started = true; break;
                case 6 when wireType == 2: reader.Bytes(); completed = true; break;
                case 7 when wireType == 2: error = reader.String(); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new BuildKitVertex(digest, name, cached, started, completed, error);
    }

    private static BuildKitLog Log(ProtoReader reader)
    {
        string vertex = "", text = "";
        while (reader.Next(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 when wireType == 2: vertex = reader.String(); break;
                case 4 when wireType == 2: text = reader.String(); break;
                default: reader.Skip(wireType); break;
            }
        }

        return new BuildKitLog(vertex, text);
    }

    /// <summary>The protobuf wire format, as far as StatusResponse needs it.</summary>
    private sealed class ProtoReader
    {
        private readonly byte[] _data;
        private int _position;

        public ProtoReader(byte[] data) => _data = data;

        public bool Next(out int field, out int wireType)
        {
            if (_position >= _data.Length)
            {
                field = wireType = 0;
                return false;
            }

            var key = Varint();
            field = (int)(key >> 3);
            wireType = (int)(key & 7);
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = _data[_position++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("Malformed varint in BuildKit status");
        }

        public byte[] Bytes()
        {
            var length = checked((int)Varint());
            var bytes = new byte[length];
            Array.Copy(_data, _position, bytes, 0, length);
            _position += length;
            return bytes;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new FormatException("Unknown protobuf wire type " + wireType);
            }
        }
    }
}
