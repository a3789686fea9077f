package org.convnetplayground.search.index.solr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The Solr configset of the collections of one vector dimension: a fixed schema (item id, label, a content hash, the
 * vector as a {@code DenseVectorField} with HNSW under cosine) and a small solrconfig. A {@code DenseVectorField}'s
 * dimension is part of its field type, so collections of different dimensions need different schemas: one configset
 * per dimension (and HNSW shape), uploaded through the Configsets API when a collection of that dimension first
 * needs it. {@link #REVISION} changes whenever the files below change, so a cluster never mixes two versions under
 * one name.
 *
 * @param dimension values per vector
 * @param maxConn   HNSW neighbours per node (M)
 * @param beamWidth HNSW candidates while inserting (efConstruction)
 */
record SolrConfigSet(int dimension, int maxConn, int beamWidth) {

    /** Bumped with every change to the schema or solrconfig below. */
    static final int REVISION = 1;

    /** The id field; the item id. */
    static final String ID = "id";
    /** The vector field (stored, so the candidates' vectors come back with the hits). */
    static final String VECTOR = "vector";
    /** The item's label (for people reading the collection in Solr's admin UI). */
    static final String LABEL = "label";
    /** A 64-bit hash of the item's vector and label: what a sync compares to find changed items. */
    static final String HASH = "h";
    /** The version of the service's collection the Solr collection holds (the marker document only). */
    static final String SYNCED_VERSION = "synced_version";
    /** Items the marked version holds (the marker document only). */
    static final String SYNCED_SIZE = "synced_size";

    /** The configset's name in the cluster. */
    String name() {
        return "cnp-vectors-d" + dimension + "-m" + maxConn + "-b" + beamWidth + "-r" + REVISION;
    }

    /** The configset as the zip file the Configsets API's upload takes. */
    byte[] zip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            add(zip, "solrconfig.xml", solrconfig());
            add(zip, "schema.xml", schema());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void add(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    String schema() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- ConvNet Playground: one vector collection (see SolrConfigSet in the search-service). -->
                <schema name="%s" version="1.7">
                  <uniqueKey>id</uniqueKey>
                  <fieldType name="string" class="solr.StrField" sortMissingLast="true" docValues="true"/>
                  <fieldType name="plong" class="solr.LongPointField" docValues="true"/>
                  <fieldType name="pint" class="solr.IntPointField" docValues="true"/>
                  <fieldType name="knn_vector" class="solr.DenseVectorField" vectorDimension="%d"
                             similarityFunction="cosine" knnAlgorithm="hnsw" vectorEncoding="FLOAT32"
                             hnswMaxConnections="%d" hnswBeamWidth="%d"/>
                  <field name="id" type="string" indexed="true" stored="true" required="true"/>
                  <field name="_version_" type="plong" indexed="false" stored="false"/>
                  <field name="label" type="string" indexed="true" stored="true"/>
                  <field name="h" type="plong" indexed="true" stored="false"/>
                  <field name="vector" type="knn_vector" indexed="true" stored="true"/>
                  <field name="synced_version" type="string" indexed="false" stored="true"/>
                  <field name="synced_size" type="pint" indexed="false" stored="true"/>
                </schema>
                """.formatted(name(), dimension, maxConn, beamWidth);
    }

    static String solrconfig() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- ConvNet Playground: one vector collection (see SolrConfigSet in the search-service). -->
                <config>
                  <luceneMatchVersion>9.12</luceneMatchVersion>
                  <dataDir>${solr.data.dir:}</dataDir>
                  <directoryFactory name="DirectoryFactory"
                                    class="${solr.directoryFactory:solr.NRTCachingDirectoryFactory}"/>
                  <!-- the per-field codec: HNSW parameters from the schema, vectors over Lucene's 1,024 default -->
                  <codecFactory class="solr.SchemaCodecFactory"/>
                  <schemaFactory class="ClassicIndexSchemaFactory"/>
                  <indexConfig>
                    <ramBufferSizeMB>128</ramBufferSizeMB>
                  </indexConfig>
                  <updateHandler class="solr.DirectUpdateHandler2">
                    <updateLog>
                      <str name="dir">${solr.ulog.dir:}</str>
                    </updateLog>
                    <!-- durable every 60 s; what searches see is opened by the service's explicit commit -->
                    <autoCommit>
                      <maxTime>${solr.autoCommit.maxTime:60000}</maxTime>
                      <openSearcher>false</openSearcher>
                    </autoCommit>
                  </updateHandler>
                  <query>
                    <useColdSearcher>false</useColdSearcher>
                  </query>
                  <requestHandler name="/select" class="solr.SearchHandler">
                    <lst name="defaults">
                      <str name="echoParams">none</str>
                    </lst>
                  </requestHandler>
                </config>
                """;
    }
}
