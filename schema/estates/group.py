"""The estates group: each of its classes declares itself here, once."""

from nomos_mongo.groups import Group

GROUP = Group("co2.estates")
