"""`python -m backend2.devdb --port 27018`: the embedded database served over the wire, for
several local processes (the server itself is `backend2.infra.devdb`)."""
from backend2.infra.devdb import main

if __name__ == "__main__":
    main()
