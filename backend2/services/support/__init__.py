"""The ground floor of the services: caches of what rarely changes, shared deadlines, the events and
the one announce that fans them out, pagination, rate budgets, tokens. Imports no other service
package.
"""
