package io.github.grpcconsul.devagent;

import com.google.gson.JsonElement;

/** What a read endpoint answers: computed under the state lock, written after it. */
record QueryResult(int status, JsonElement json, byte[] raw, String rawContentType, long index,
    boolean filteredByAcl) {

  static QueryResult json(JsonElement json, long index) {
    return new QueryResult(200, json, null, null, index, false);
  }

  QueryResult aclFiltered(boolean filtered) {
    return new QueryResult(status, json, raw, rawContentType, index, filtered);
  }
}
