package io.switchboard.core.channel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sample webhook as the provider would send it: method, path with query, headers (lower-case names) and body.
 */
public record SampleRequest(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {

    public SampleRequest {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public String path() {
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
    }

    public String query() {
        int query = pathAndQuery.indexOf('?');
        return query < 0 ? "" : pathAndQuery.substring(query + 1);
    }

    public boolean hasHeader(String lowerCaseName) {
        return headers.containsKey(lowerCaseName);
    }

    public SampleRequest withHeader(String lowerCaseName, String value) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.put(lowerCaseName, value);
        return new SampleRequest(method, pathAndQuery, changed, body);
    }

    public SampleRequest withQuery(String query) {
        return new SampleRequest(method, path() + (query.isEmpty() ? "" : "?" + query), headers, body);
    }

    public SampleRequest withBody(byte[] newBody) {
        return new SampleRequest(method, pathAndQuery, headers, newBody);
    }
}
