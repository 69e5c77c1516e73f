//! A small XML tree written directly in **exclusive canonical form** (Exclusive XML
//! Canonicalization 1.0, without comments): the bytes we digest and sign are the bytes we send, so
//! no canonicalizer is needed on our side (an outside one, `xmlsec1`, checks us in the tests).
//!
//! The rules applied (exc-c14n §3 and C14N 1.0 §2.3): a namespace declaration is written on the
//! first element, along the path from the subtree's root, that visibly uses its prefix (the
//! element's own prefix or a prefixed attribute's) and where it is not already in scope with the
//! same URI; declarations come before attributes, sorted by prefix; attributes are sorted by
//! namespace URI then local name, unqualified ones first; empty elements get an end tag; text
//! escapes `&`, `<`, `>`, CR; attribute values escape `&`, `<`, `"`, TAB, LF, CR. The `xml` prefix
//! is never declared.

/// An XML namespace: the prefix we write and its URI.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Namespace {
    /// The prefix used in our output.
    pub prefix: &'static str,
    /// The namespace name.
    pub uri: &'static str,
}

/// The `xml` namespace (for `xml:lang`), bound by definition.
pub const XML: Namespace = Namespace { prefix: "xml", uri: "http://www.w3.org/XML/1998/namespace" };

/// An element.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Element {
    /// Its namespace.
    pub namespace: Namespace,
    /// Its local name.
    pub name: &'static str,
    /// Attributes: optional namespace (for `xml:lang`), local name, value.
    pub attributes: Vec<(Option<Namespace>, &'static str, String)>,
    /// Children in order.
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data.
    Text(String),
}

impl Element {
    /// An empty element.
    pub fn new(namespace: Namespace, name: &'static str) -> Self {
        Self { namespace, name, attributes: Vec::new(), children: Vec::new() }
    }

    /// Adds an unqualified attribute.
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attributes.push((None, name, value.into()));
        self
    }

    /// Adds a namespace-qualified attribute (only `xml:lang` is used).
    pub fn ns_attr(
        mut self,
        namespace: Namespace,
        name: &'static str,
        value: impl Into<String>,
    ) -> Self {
        self.attributes.push((Some(namespace), name, value.into()));
        self
    }

    /// Adds a child element.
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Adds child elements.
    pub fn children(mut self, children: impl IntoIterator<Item = Element>) -> Self {
        self.children.extend(children.into_iter().map(Node::Element));
        self
    }

    /// Adds text.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// A child element holding only `text`.
    pub fn leaf(namespace: Namespace, name: &'static str, text: impl Into<String>) -> Self {
        Self::new(namespace, name).text(text)
    }

    /// The value of an unqualified attribute.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(namespace, local, _)| namespace.is_none() && *local == name)
            .map(|(_, _, value)| value.as_str())
    }

    /// This element as the apex of an exclusive-canonical document subset.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, &mut Vec::new());
        out
    }

    fn write(&self, out: &mut String, in_scope: &mut Vec<Namespace>) {
        let scope_len = in_scope.len();
        let mut declare: Vec<Namespace> = Vec::new();
        let used = std::iter::once(self.namespace)
            .chain(self.attributes.iter().filter_map(|(namespace, _, _)| *namespace));
        for namespace in used {
            if namespace.prefix == XML.prefix {
                continue;
            }
            let bound = in_scope.iter().rev().find(|ns| ns.prefix == namespace.prefix);
            if bound.map(|ns| ns.uri) != Some(namespace.uri) && !declare.contains(&namespace) {
                declare.push(namespace);
            }
        }
        declare.sort_by_key(|ns| ns.prefix);
        in_scope.extend(declare.iter().copied());

        out.push('<');
        push_qname(out, self.namespace, self.name);
        for namespace in &declare {
            out.push_str(" xmlns:");
            out.push_str(namespace.prefix);
            out.push_str("=\"");
            escape_attribute(out, namespace.uri);
            out.push('"');
        }
        let mut attributes: Vec<_> = self.attributes.iter().collect();
        attributes.sort_by(|(ns_a, name_a, _), (ns_b, name_b, _)| {
            (ns_a.map_or("", |ns| ns.uri), name_a).cmp(&(ns_b.map_or("", |ns| ns.uri), name_b))
        });
        for (namespace, name, value) in attributes {
            out.push(' ');
            match namespace {
                Some(namespace) => push_qname(out, *namespace, name),
                None => out.push_str(name),
            }
            out.push_str("=\"");
            escape_attribute(out, value);
            out.push('"');
        }
        out.push('>');
        for child in &self.children {
            match child {
                Node::Element(element) => element.write(out, in_scope),
                Node::Text(text) => escape_text(out, text),
            }
        }
        out.push_str("</");
        push_qname(out, self.namespace, self.name);
        out.push('>');
        in_scope.truncate(scope_len);
    }
}

fn push_qname(out: &mut String, namespace: Namespace, name: &str) {
    out.push_str(namespace.prefix);
    out.push(':');
    out.push_str(name);
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attribute(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Namespace = Namespace { prefix: "a", uri: "urn:a" };
    const B: Namespace = Namespace { prefix: "b", uri: "urn:b" };

    #[test]
    fn declares_namespaces_where_first_used_and_sorts_attributes() {
        let element = Element::new(A, "Root")
            .attr("Z", "1")
            .attr("Id", "_x")
            .child(Element::new(B, "Child").child(Element::leaf(B, "Leaf", "t")))
            .child(Element::leaf(A, "Same", "").ns_attr(XML, "lang", "fr"));
        assert_eq!(
            element.canonical(),
            r#"<a:Root xmlns:a="urn:a" Id="_x" Z="1"><b:Child xmlns:b="urn:b"><b:Leaf>t</b:Leaf></b:Child><a:Same xml:lang="fr"></a:Same></a:Root>"#
        );
    }

    #[test]
    fn escapes_text_and_attribute_values_as_c14n_does() {
        let element = Element::new(A, "E").attr("v", "a\"<&\t\n\r>").text("x<&>\r\"'");
        assert_eq!(
            element.canonical(),
            r#"<a:E xmlns:a="urn:a" v="a&quot;&lt;&amp;&#x9;&#xA;&#xD;>">x&lt;&amp;&gt;&#xD;"'</a:E>"#
        );
    }
}
