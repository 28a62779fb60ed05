module spotdecode

go 1.19
