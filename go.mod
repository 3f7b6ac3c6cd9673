module github.com/wirelens/wirelens

go 1.26.8
