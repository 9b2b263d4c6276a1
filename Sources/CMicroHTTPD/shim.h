// Thin C shim over libmicrohttpd: hides the variadic MHD_start_daemon and
// MHD_get_connection_info, the sockaddr handling of the listen socket, and the few GnuTLS
// calls TLS needs (checking a key pair, verifying a client certificate), which Swift cannot
// call or build safely.
#ifndef NETSTAT_CMICROHTTPD_SHIM_H
#define NETSTAT_CMICROHTTPD_SHIM_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
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

/// For a socket handed over by systemd: 1 when `fd` is a TCP (IPv4 or IPv6) socket in the
/// listening state, 0 when it is something else, and its local address as text in `host`
/// (`size` bytes, "" for the wildcard address).
static inline int netstat_socket_listening_tcp(int fd, char *host, size_t size) {
    int listening = 0, type = 0;
    socklen_t length = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || !listening) return 0;
    length = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM) return 0;
    struct sockaddr_storage address;
    length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return 0;
    host[0] = '\0';
    if (address.ss_family == AF_INET) {
        struct in_addr *ip = &((struct sockaddr_in *)&address)->sin_addr;
        if (ip->s_addr != htonl(INADDR_ANY)) inet_ntop(AF_INET, ip, host, (socklen_t)size);
        return 1;
    }
    if (address.ss_family == AF_INET6) {
        struct in6_addr *ip = &((struct sockaddr_in6 *)&address)->sin6_addr;
        if (!IN6_IS_ADDR_UNSPECIFIED(ip)) inet_ntop(AF_INET6, ip, host, (socklen_t)size);
        return 1;
    }
    return 0;
}

/// Marks an inherited descriptor close-on-exec (sd_listen_fds does the same). 0 or -1.
static inline int netstat_set_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

typedef void (*netstat_mhd_connection_handler)(
    void *context, struct MHD_Connection *connection, void **socket_context,
    enum MHD_ConnectionNotificationCode code);

/// Receives libmicrohttpd's error lines already formatted: `format` is the static format string
/// (a stable key for rate limiting), `line` the text with its arguments filled in.
typedef void (*netstat_mhd_log_sink)(void *context, const char *format, const char *line);

/// Everything libmicrohttpd calls back, with the one context they share. It must outlive the
/// daemon (the error logger receives a pointer to it).
struct netstat_mhd_callbacks {
    netstat_mhd_access_handler handler;
    netstat_mhd_completed_handler completed;
    netstat_mhd_connection_handler connection;
    netstat_mhd_log_sink log;
    void *context;
};

/// How many connections a daemon holds, from one client address and in all, and how long one may
/// sit without any traffic. 0 for the per-address limit means none.
struct netstat_mhd_limits {
    unsigned int connections;
    unsigned int connections_per_address;
    unsigned int idle_timeout_seconds;
};

/// libmicrohttpd's logger is variadic, which Swift cannot implement: format here, hand on a string.
static inline void netstat_mhd_format_log(void *callbacks, const char *format, va_list arguments) {
    const struct netstat_mhd_callbacks *target = (const struct netstat_mhd_callbacks *)callbacks;
    char line[512];
    vsnprintf(line, sizeof line, format, arguments);
    target->log(target->context, format, line);
}

/// Starts a daemon on an already listening socket. One internal thread polls every connection
/// with epoll, so an idle or slow client costs a socket and a little memory, never a thread; the
/// handler suspends a connection while its answer is computed elsewhere (MHD_ALLOW_SUSPEND_RESUME,
/// which also brings the ITC that MHD_quiesce_daemon needs for a reload). With a certificate and
/// key (PEM, NUL terminated) it speaks only TLS; a trust list (PEM CA certificates, may be NULL)
/// makes it ask clients for a certificate; `priorities` is a GnuTLS priority string (may be NULL).
static inline struct MHD_Daemon *netstat_mhd_start(
    int listen_fd, struct netstat_mhd_limits limits, const struct netstat_mhd_callbacks *callbacks,
    const char *cert_pem, const char *key_pem, const char *trust_pem, const char *priorities) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME
        | MHD_USE_ERROR_LOG;
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
        flags, 0, NULL, NULL, callbacks->handler, callbacks->context,
        // First, so that libmicrohttpd's complaints about the options after it reach it too.
        MHD_OPTION_EXTERNAL_LOGGER, netstat_mhd_format_log, (void *)callbacks,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd,
        MHD_OPTION_CONNECTION_LIMIT, limits.connections,
        // Request line and headers must fit here (else 414/431); a scraper's are under 1 KiB. The
        // whole pool ends up resident while a connection lives (a 40 KiB pool made 2,000 clients
        // that never read their answers cost 80 MB), so it is small: 8 KiB, about 10 KiB a
        // connection in all. Below 32 KiB libmicrohttpd takes it from malloc, and what a burst
        // of connections leaves in the heap goes back through MallocTuning.returnFreeMemory (main's
        // housekeeping; docs/performance.md).
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(8 * 1024),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits.connections_per_address,
        MHD_OPTION_CONNECTION_TIMEOUT, limits.idle_timeout_seconds,
        MHD_OPTION_NOTIFY_COMPLETED, callbacks->completed, callbacks->context,
        MHD_OPTION_NOTIFY_CONNECTION, callbacks->connection, callbacks->context,
        MHD_OPTION_ARRAY, tls,
        MHD_OPTION_END);
}

/// A connection's client address as text (IPv4, or IPv6 without brackets) in `host` (`size`
/// bytes); "" when libmicrohttpd has none.
static inline void netstat_mhd_client_address(struct MHD_Connection *connection, char *host, size_t size) {
    host[0] = '\0';
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)address)->sin_addr, host, (socklen_t)size);
    } else if (address->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)address)->sin6_addr, host, (socklen_t)size);
    }
}

/// Bounds the bytes a connection may have queued in the kernel and not yet sent (the peer's
/// window is closed) at `bytes`: beyond them the socket takes no more until the peer reads.
/// Bytes in flight are not counted, so a client that reads still gets the whole send buffer.
static inline void netstat_socket_unsent_limit(int fd, int bytes) {
    setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &bytes, sizeof bytes);
}

/// The socket of a connection, or -1.
static inline int netstat_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : (int)info->connect_fd;
}

/// Ends a connection from outside libmicrohttpd's thread: the socket reads as closed, so the
/// polling thread notices and closes it the ordinary way (the descriptor stays libmicrohttpd's).
static inline void netstat_socket_shutdown(int fd) {
    shutdown(fd, SHUT_RDWR);
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

/// A response holding its own copy of the body, so Swift's buffer may go away at once.
static inline struct MHD_Response *netstat_mhd_response_copy(size_t size, const void *data) {
    return MHD_create_response_from_buffer(size, (void *)data, MHD_RESPMEM_MUST_COPY);
}

#endif
