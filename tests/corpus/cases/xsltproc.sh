# libxslt's xsltproc transforming XML with a stylesheet using an EXSLT function.
packages=(xsltproc)
programs=(xsltproc)
command=(xsltproc /var/task/style.xsl /var/task/in.xml)
setup() {
  printf '<list><item n="3">c</item><item n="1">a</item><item n="2">b</item></list>\n' > "$task/in.xml"
  printf '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:str="http://exslt.org/strings" extension-element-prefixes="str"><xsl:output method="text"/><xsl:template match="/"><xsl:for-each select="list/item"><xsl:sort select="@n" data-type="number"/><xsl:value-of select="str:padding(3, \x27*\x27)"/><xsl:value-of select="."/><xsl:text>&#10;</xsl:text></xsl:for-each></xsl:template></xsl:stylesheet>\n' > "$task/style.xsl"
}
