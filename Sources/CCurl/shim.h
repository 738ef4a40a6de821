// libcurl for Swift. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call,
// so these typed wrappers (compiled by clang as static inline functions) stand in for them.
#include <curl/curl.h>

static inline CURLcode gs_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode gs_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode gs_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode gs_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*gs_curl_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode gs_curl_setopt_data_callback(CURL *handle, CURLoption option, gs_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode gs_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
