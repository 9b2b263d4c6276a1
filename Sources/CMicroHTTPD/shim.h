// Thin C shim over libmicrohttpd: hides the variadic MHD_start_daemon and
// MHD_get_connection_info, the sockaddr handling of the listen socket, and the few GnuTLS
// calls TLS needs (checking a key pair, verifying a client certificate), which Swift cannot
// call or build safely.
#ifndef NETSTAT_CMICROHTTPD_SHIM_H
#define NETSTAT_CMICROHTTPD_SHIM_H

#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

typedef enum MHD_Result (*netstat_mhd_access_handler)(
    void *context, struct MHD_Connection *connection, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **request_context);

typedef void (*netstat_mhd_completed_handler)(
    void *context, struct MHD_Connection *connection, void **request_context,
    enum MHD_RequestTerminationCode code);

typedef enum MHD_Result (*netstat_mhd_value_iterator)(
    void *context, enum MHD_ValueKind kind, const char *key, const char *value);

/// Creates, binds and listens on a TCP socket. An empty host listens on every address
/// (IPv6 dual-stack when the kernel has IPv6, else IPv4). Returns the fd, or -1 with
/// *error_out set to an errno (positive) or a getaddrinfo code (negative, EAI_*).
static inline int netstat_listen_socket(const char *host, const char *port, int backlog, int *error_out) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_family = AF_UNSPEC;
    const char *node = host;
    int any = (host == NULL || host[0] == '\0');
    if (any) { node = "::"; hints.ai_family = AF_INET6; }
    struct addrinfo *result = NULL;
    int rc = getaddrinfo(node, port, &hints, &result);
    if (rc != 0) { *error_out = rc < 0 ? rc : -rc; return -1; }
    int fd = socket(result->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 && any && (errno == EAFNOSUPPORT || errno == EINVAL)) {
        freeaddrinfo(result);
        result = NULL;
        hints.ai_family = AF_INET;
        rc = getaddrinfo("0.0.0.0", port, &hints, &result);
        if (rc != 0) { *error_out = rc < 0 ? rc : -rc; return -1; }
        fd = socket(result->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }
    if (fd < 0) { *error_out = errno; freeaddrinfo(result); return -1; }
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (result->ai_family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, any ? &zero : &one, sizeof one);
    }
    if (bind(fd, result->ai_addr, result->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
        *error_out = errno;
        close(fd);
        freeaddrinfo(result);
        return -1;
    }
    freeaddrinfo(result);
    return fd;
}

/// The port a listening socket is bound to (useful after binding port 0), or -1.
static inline int netstat_socket_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return -1;
    if (address.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&address)->sin_port);
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return -1;
}

/// Starts a daemon on an already listening socket: one thread per connection, so a slow scrape
/// never delays another; idle connections time out. With a certificate and key (PEM, NUL
/// terminated) it speaks only TLS; a trust list (PEM CA certificates, may be NULL) makes it ask
/// clients for a certificate; `priorities` is a GnuTLS priority string (may be NULL).
/// MHD_USE_ITC lets the daemon be quiesced, so a reload can hand the socket to a new daemon.
static inline struct MHD_Daemon *netstat_mhd_start(
    int listen_fd, unsigned int connection_limit, unsigned int timeout_seconds,
    netstat_mhd_access_handler handler, netstat_mhd_completed_handler completed, void *context,
    const char *cert_pem, const char *key_pem, const char *trust_pem, const char *priorities) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG
        | MHD_USE_ITC;
    struct MHD_OptionItem tls[5];
    int count = 0;
    if (cert_pem != NULL && key_pem != NULL) {
        flags |= MHD_USE_TLS;
        tls[count++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert_pem};
        tls[count++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key_pem};
        if (trust_pem != NULL) tls[count++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)trust_pem};
        if (priorities != NULL) {
            tls[count++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)priorities};
        }
    }
    tls[count] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return MHD_start_daemon(
        flags, 0, NULL, NULL, handler, context,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
        MHD_OPTION_NOTIFY_COMPLETED, completed, context,
        MHD_OPTION_ARRAY, tls,
        MHD_OPTION_END);
}

/// What a TLS connection's client showed: -1 not TLS, 0 no certificate, 1 a certificate that
/// verifies against the daemon's trust list, 2 a certificate that does not.
static inline int netstat_mhd_client_certificate(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) return -1;
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    unsigned int count = 0;
    if (gnutls_certificate_get_peers(session, &count) == NULL || count == 0) return 0;
    unsigned int status = 0;
    if (gnutls_certificate_verify_peers2(session, &status) != GNUTLS_E_SUCCESS) return 2;
    return status == 0 ? 1 : 2;
}

/// Checks that a PEM certificate and key belong together and that a trust list (may be NULL)
/// holds at least one certificate. Returns NULL when they do, else GnuTLS' reason (static text).
static inline const char *netstat_tls_check(const char *cert_pem, const char *key_pem, const char *trust_pem) {
    gnutls_certificate_credentials_t credentials;
    if (gnutls_certificate_allocate_credentials(&credentials) != GNUTLS_E_SUCCESS) return "out of memory";
    gnutls_datum_t cert = {(unsigned char *)cert_pem, (unsigned int)strlen(cert_pem)};
    gnutls_datum_t key = {(unsigned char *)key_pem, (unsigned int)strlen(key_pem)};
    int rc = gnutls_certificate_set_x509_key_mem(credentials, &cert, &key, GNUTLS_X509_FMT_PEM);
    const char *problem = rc < 0 ? gnutls_strerror(rc) : NULL;
    if (problem == NULL && trust_pem != NULL) {
        gnutls_datum_t trust = {(unsigned char *)trust_pem, (unsigned int)strlen(trust_pem)};
        rc = gnutls_certificate_set_x509_trust_mem(credentials, &trust, GNUTLS_X509_FMT_PEM);
        if (rc < 0) problem = gnutls_strerror(rc);
        else if (rc == 0) problem = "no certificate found";
    }
    gnutls_certificate_free_credentials(credentials);
    return problem;
}

/// Stops accepting on a daemon and takes its listening socket back (so stopping the daemon
/// later leaves the socket to whoever else serves it). -1 if it cannot.
static inline int netstat_mhd_quiesce(struct MHD_Daemon *daemon) {
    MHD_socket fd = MHD_quiesce_daemon(daemon);
    return fd == MHD_INVALID_SOCKET ? -1 : (int)fd;
}

/// Makes every thread allocate from one malloc arena. glibc gives each new thread (libmicrohttpd
/// makes one per connection) an arena of its own, which stays resident after the thread ends.
static inline void netstat_single_malloc_arena(void) {
    mallopt(M_ARENA_MAX, 1);
}

/// Gives every allocation of `bytes` or more an mmap of its own, unmapped when freed. Left
/// alone, glibc raises this threshold after the first large free (up to 32 MB) and serves later
/// large blocks from the heap, which keeps them resident: with a million sockets, a scrape's
/// per-socket arrays left the exporter at 86 MB after scrapes instead of 46 (bench/churn.sh).
static inline void netstat_mmap_large_allocations(size_t bytes) {
    mallopt(M_MMAP_THRESHOLD, (int)bytes);
}

/// A response holding its own copy of the body, so Swift's buffer may go away at once.
static inline struct MHD_Response *netstat_mhd_response_copy(size_t size, const void *data) {
    return MHD_create_response_from_buffer(size, (void *)data, MHD_RESPMEM_MUST_COPY);
}

#endif
