using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Distroless.Dsl.Runner.Sbom;

/// <summary>The image an SBOM describes: its name in the document, its version, the purl and the image ID.</summary>
internal sealed record SbomSubject(string DocumentName, string Name, string Version, string Purl, string? ImageId, string Description);

/// <summary>Writes an SPDX 2.3 JSON document: the image as the described package, every component as a package it
/// CONTAINS (static libraries also STATIC_LINK from the program they are linked into). Byte-stable: packages in
/// <see cref="SbomComponent.SortKey"/> order, relationships in package order, '\n' line ends, no clock and no random
/// value. The namespace is the document's own SHA-256, and <c>created</c> is the images' SOURCE_DATE_EPOCH.</summary>
internal static class SpdxDocument
{
    public const string SpdxVersion = "SPDX-2.3";
    public const string Creator = "Tool: Distroless.Dsl.Runner";

    /// <summary>Where document namespaces live: a URI that is unique per document and, as SPDX allows, not served.</summary>
    public const string NamespaceBase = "https://distroless-dsl.invalid/spdx/";

    public const string ImageId = "SPDXRef-Image";

    public static byte[] Write(SbomSubject subject, IEnumerable<SbomComponent> components, string created)
    {
        var ordered = components.OrderBy(c => c.SortKey, StringComparer.Ordinal).ToList();
        var ids = SpdxIds(ordered);

        // Written once without the namespace, whose value is then that text's hash: the same content, the same name.
        var draft = Serialize(subject, ordered, ids, created, documentNamespace: "");
        var hash = Convert.ToHexString(SHA256.HashData(draft)).ToLowerInvariant();
        return Serialize(subject, ordered, ids, created, NamespaceBase + Uri.EscapeDataString(subject.Name) + "-" + hash);
    }

    private static byte[] Serialize(SbomSubject subject, IReadOnlyList<SbomComponent> components, IReadOnlyList<string> ids, string created, string documentNamespace)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("spdxVersion", SpdxVersion);
            json.WriteString("dataLicense", "CC0-1.0");
            json.WriteString("SPDXID", "SPDXRef-DOCUMENT");
            json.WriteString("name", subject.DocumentName);
            json.WriteString("documentNamespace", documentNamespace);
            json.WriteStartObject("creationInfo");
            json.WriteStartArray("creators");
            json.WriteStringValue(Creator);
            json.WriteEndArray();
            json.WriteString("created", created);
            json.WriteEndObject();

            json.WriteStartArray("packages");
            json.WriteStartObject();
            json.WriteString("SPDXID", ImageId);
            json.WriteString("name", subject.Name);
            json.WriteString("versionInfo", subject.Version);
            json.WriteString("downloadLocation", SbomComponent.NoAssertion);
            json.WriteBoolean("filesAnalyzed", false);
            json.WriteString("licenseConcluded", SbomComponent.NoAssertion);
            json.WriteString("licenseDeclared", SbomComponent.NoAssertion);
            json.WriteString("copyrightText", SbomComponent.NoAssertion);
            json.WriteString("primaryPackagePurpose", "CONTAINER");
            json.WriteString("description", subject.Description);
            if (subject.ImageId is not null)
            {
                json.WriteString("comment", "image ID (config digest) " + subject.ImageId);
            }

            ExternalRefs(json, subject.Purl);
            json.WriteEndObject();
            for (var i = 0; i < components.Count; i++)
            {
                Package(json, components[i], ids[i]);
            }

            json.WriteEndArray();

            json.WriteStartArray("relationships");
            Relationship(json, "SPDXRef-DOCUMENT", "DESCRIBES", ImageId);
            for (var i = 0; i < components.Count; i++)
            {
                Relationship(json, ImageId, "CONTAINS", ids[i]);
            }

            for (var i = 0; i < components.Count; i++)
            {
                if (components[i].LinkedInto is { } program)
                {
                    var owner = components.Select((c, index) => (c, index)).First(p => p.c.Kind == ComponentKind.DebianSourceBuild && p.c.Name == program).index;
                    Relationship(json, ids[owner], "STATIC_LINK", ids[i]);
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static void Package(Utf8JsonWriter json, SbomComponent component, string id)
    {
        json.WriteStartObject();
        json.WriteString("SPDXID", id);
        json.WriteString("name", component.Name);
        if (component.Version is not null)
        {
            json.WriteString("versionInfo", component.Version);
        }

        if (component.FileName is not null)
        {
            json.WriteString("packageFileName", component.FileName);
        }

        if (component.Supplier is not null)
        {
            json.WriteString("supplier", component.Supplier);
        }

        json.WriteString("downloadLocation", component.DownloadLocation);
        json.WriteBoolean("filesAnalyzed", false);
        var checksums = new List<(string Algorithm, string Value)>();
        if (component.Sha256 is not null)
        {
            checksums.Add(("SHA256", component.Sha256));
        }

        if (component.Sha512 is not null)
        {
            checksums.Add(("SHA512", component.Sha512));
        }

        if (checksums.Count > 0)
        {
            json.WriteStartArray("checksums");
            foreach (var (algorithm, value) in checksums)
            {
                json.WriteStartObject();
                json.WriteString("algorithm", algorithm);
                json.WriteString("checksumValue", value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteString("licenseConcluded", SbomComponent.NoAssertion);
        json.WriteString("licenseDeclared", component.License);
        json.WriteString("copyrightText", SbomComponent.NoAssertion);
        if (component.Purpose is not null)
        {
            json.WriteString("primaryPackagePurpose", component.Purpose);
        }

        if (component.Comment is not null)
        {
            json.WriteString("comment", component.Comment);
        }

        ExternalRefs(json, component.Purl);
        json.WriteEndObject();
    }

    private static void ExternalRefs(Utf8JsonWriter json, string purl)
    {
        json.WriteStartArray("externalRefs");
        json.WriteStartObject();
        json.WriteString("referenceCategory", "PACKAGE-MANAGER");
        json.WriteString("referenceType", "purl");
        json.WriteString("referenceLocator", purl);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void Relationship(Utf8JsonWriter json, string element, string type, string related)
    {
        json.WriteStartObject();
        json.WriteString("spdxElementId", element);
        json.WriteString("relationshipType", type);
        json.WriteString("relatedSpdxElement", related);
        json.WriteEndObject();
    }

    /// <summary>SPDXRef-KIND-NAME-VERSION with every character SPDX does not allow ([A-Za-z0-9.-]) as '-', and a
    /// counter on the rare clash, assigned in document order so that the same components get the same IDs.</summary>
    private static IReadOnlyList<string> SpdxIds(IReadOnlyList<SbomComponent> components)
    {
        var used = new HashSet<string>(StringComparer.Ordinal) { ImageId };
        var ids = new List<string>();
        foreach (var component in components)
        {
            var raw = Prefix(component.Kind) + "-" + component.Name + (component.Version is null ? "" : "-" + component.Version);
            var text = new StringBuilder("SPDXRef-");
            foreach (var c in raw)
            {
                text.Append(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '-' ? c : '-');
            }

            var id = text.ToString();
            for (var n = 2; !used.Add(id); n++)
            {
                id = text + "-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            ids.Add(id);
        }

        return ids;
    }

    private static string Prefix(ComponentKind kind) => kind switch
    {
        ComponentKind.DebianPackage => "deb",
        ComponentKind.DebianSourceBuild => "debsrc",
        ComponentKind.StaticallyLinked => "static",
        ComponentKind.Download => "download",
        ComponentKind.NuGetPackage => "nuget",
        ComponentKind.DotnetRuntimePack => "dotnet-runtime",
        _ => "component",
    };
}
