# SPDX-License-Identifier: BSD-2-Clause
"""A PAM application in Python (ctypes over the real libpam), for tests
whose answers depend on what the module says: the conversation function
is a Python callable that sees each prompt's text, so a test can read the
new secret out of the enrollment prompt and answer with a code computed
by Python's hmac. Runs pam_authenticate and then, as applications do only
when authentication succeeded, pam_acct_mgmt; pam_end last (which runs
the module's cleanups)."""

import ctypes
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int,
                    c_void_p, byref)

PAM_PROMPT_ECHO_OFF = 1
PAM_PROMPT_ECHO_ON = 2
PAM_ERROR_MSG = 3
PAM_TEXT_INFO = 4
PAM_SILENT = 0x8000
PAM_RHOST = 4

# The process's own allocator (dlopen(NULL)), whatever it is: libpam
# frees the answers with free(), which must be the malloc they came from
# (also under a preloaded sanitizer runtime).
libc = ctypes.CDLL(None)
libc.calloc.restype = c_void_p
libc.calloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
libc.strdup.restype = c_void_p
libc.strdup.argtypes = [c_char_p]
libc.free.argtypes = [c_void_p]
libpam = ctypes.CDLL("libpam.so.0")


class PamMessage(Structure):
    _fields_ = [("msg_style", c_int), ("msg", c_char_p)]


class PamResponse(Structure):
    _fields_ = [("resp", c_void_p), ("resp_retcode", c_int)]


CONV = CFUNCTYPE(c_int, c_int, POINTER(POINTER(PamMessage)),
                 POINTER(POINTER(PamResponse)), c_void_p)


class PamConv(Structure):
    _fields_ = [("conv", CONV), ("appdata_ptr", c_void_p)]


libpam.pam_start_confdir.argtypes = [c_char_p, c_char_p, POINTER(PamConv),
                                     c_char_p, POINTER(c_void_p)]
libpam.pam_authenticate.argtypes = [c_void_p, c_int]
libpam.pam_acct_mgmt.argtypes = [c_void_p, c_int]
libpam.pam_end.argtypes = [c_void_p, c_int]
libpam.pam_set_item.argtypes = [c_void_p, c_int, c_void_p]
libpam.pam_getenv.restype = c_char_p
libpam.pam_getenv.argtypes = [c_void_p, c_char_p]
libpam.pam_strerror.restype = c_char_p
libpam.pam_strerror.argtypes = [c_void_p, c_int]

NAMES = {0: "PAM_SUCCESS", 3: "PAM_SERVICE_ERR", 4: "PAM_SYSTEM_ERR",
         5: "PAM_BUF_ERR", 6: "PAM_PERM_DENIED", 7: "PAM_AUTH_ERR",
         9: "PAM_AUTHINFO_UNAVAIL", 10: "PAM_USER_UNKNOWN",
         11: "PAM_MAXTRIES", 19: "PAM_CONV_ERR", 25: "PAM_IGNORE"}


class Login:
    """One login: .auth and .acct are PAM result names (acct None when
    not run), .messages the (style, text) pairs the module sent."""

    def __init__(self):
        self.messages = []
        self.auth = None
        self.acct = None
        self.env = {}

    def prompts(self):
        return [t for s, t in self.messages
                if s in (PAM_PROMPT_ECHO_OFF, PAM_PROMPT_ECHO_ON)]


def login(confdir, service, user, answer, *, silent=False, acct=True,
          rhost=None, between=None, env_names=()):
    """answer(style, text) -> str, or None to fail the conversation.
    between(), when given, runs after pam_authenticate succeeded and
    before pam_acct_mgmt (a barrier for races)."""
    result = Login()

    def conv(n, msgs, resp, _data):
        replies = libc.calloc(n, ctypes.sizeof(PamResponse))
        if not replies:
            return 5
        arr = ctypes.cast(replies, POINTER(PamResponse))
        for i in range(n):
            m = msgs[i].contents
            text = m.msg.decode("utf-8", "replace")
            result.messages.append((m.msg_style, text))
            if m.msg_style in (PAM_PROMPT_ECHO_OFF, PAM_PROMPT_ECHO_ON):
                a = answer(m.msg_style, text)
                if a is None:
                    # Like Ctrl-C: libpam frees what it gets; give nothing.
                    libc.free(ctypes.c_void_p(replies))
                    return 19
                arr[i].resp = libc.strdup(a.encode())
        resp[0] = arr
        return 0

    cb = CONV(conv)
    pc = PamConv(cb, None)
    pamh = c_void_p()
    r = libpam.pam_start_confdir(service.encode(), user.encode(),
                                 byref(pc), str(confdir).encode(),
                                 byref(pamh))
    assert r == 0, r
    if rhost:
        libpam.pam_set_item(pamh, PAM_RHOST, ctypes.c_char_p(rhost.encode()))
    flags = PAM_SILENT if silent else 0
    r = libpam.pam_authenticate(pamh, flags)
    result.auth = NAMES.get(r, str(r))
    last = r
    if r == 0 and acct:
        if between:
            between()
        r = libpam.pam_acct_mgmt(pamh, flags)
        result.acct = NAMES.get(r, str(r))
        last = r
    for name in env_names:
        v = libpam.pam_getenv(pamh, name.encode())
        result.env[name] = v.decode() if v is not None else None
    libpam.pam_end(pamh, last)
    return result
