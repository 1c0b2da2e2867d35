module restpath.dev/testenv-pause

go 1.23
