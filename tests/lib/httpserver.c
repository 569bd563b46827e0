/*
 * httpserver.c - fork/exec of tests/server/testserver.py, with bounded waits.
 */
#include "httpserver.h"
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_WAIT_MS 15000
#define STOP_WAIT_MS 3000

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static const char *python_path(void)
{
	const char *env = getenv("REDLINE_PYTHON");
	if (env && *env)
		return env;
	if (access("/usr/bin/python3", X_OK) == 0)
		return "/usr/bin/python3";
	return "python3";
}

/* Waits for the child to exit, at most `ms`; 1 when it did. */
static int reap(pid_t pid, long ms)
{
	int status;
	for (long waited = 0; waited <= ms; waited += 20) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			return 1;
		sleep_ms(20);
	}
	return 0;
}

tu_httpserver *tu_httpserver_start(const char *root)
{
	const char *src = getenv("REDLINE_SOURCE_DIR");
	char script[4096], portfile[4096];
	tu_httpserver *s;
	FILE *f;

	if (src == NULL || *src == '\0')
		return NULL;
	snprintf(script, sizeof(script), "%s/tests/server/testserver.py", src);
	if (access(script, R_OK) != 0)
		return NULL;
	s = calloc(1, sizeof(*s));
	s->dir = tu_tmpdir();
	snprintf(portfile, sizeof(portfile), "%s/port", s->dir);

	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0) {
		tu_rmtree(s->dir);
		free(s->dir);
		free(s);
		return NULL;
	}
	if (s->pid == 0) {
		const char *py = python_path();
		char *argv[10];
		int n = 0;
		argv[n++] = (char *)py;
		argv[n++] = script;
		argv[n++] = "--port-file";
		argv[n++] = portfile;
		argv[n++] = "--lifetime";
		argv[n++] = "120";
		argv[n++] = "--tls";
		if (root) {
			argv[n++] = "--root";
			argv[n++] = (char *)root;
		}
		argv[n] = NULL;
		execvp(py, argv);
		_exit(127);
	}

	for (long waited = 0; waited < START_WAIT_MS; waited += 20) {
		int status;
		if ((f = fopen(portfile, "r")) != NULL) {
			if (fscanf(f, "%d %d", &s->port, &s->tls_port) != 2)
				s->port = s->tls_port = 0;
			fclose(f);
			if (s->port > 0) {
				snprintf(s->base_url, sizeof(s->base_url),
					 "http://127.0.0.1:%d", s->port);
				if (s->tls_port > 0)
					snprintf(s->tls_base_url, sizeof(s->tls_base_url),
						 "https://127.0.0.1:%d", s->tls_port);
				return s;
			}
		}
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		sleep_ms(20);
	}
	tu_httpserver_stop(s);
	return NULL;
}

void tu_httpserver_stop(tu_httpserver *s)
{
	if (s == NULL)
		return;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		if (!reap(s->pid, STOP_WAIT_MS)) {
			kill(s->pid, SIGKILL);
			reap(s->pid, STOP_WAIT_MS);
		}
	}
	tu_rmtree(s->dir);
	free(s->dir);
	free(s);
}

const char *tu_httpserver_url(const tu_httpserver *s, const char *path)
{
	static char url[4096];
	snprintf(url, sizeof(url), "%s%s", s->base_url, path);
	return url;
}
