"""Claims, totals and line charges of the public 837P samples, as other readers extract them.

Produced by running LinuxForHealth x12 0.57.0 (`X12ModelReader`) over each file, except the two
badx12 DME files it refuses (oxygen, wheelchair: it rejects PWK02 "AD"), whose CLM02 and SV102
values were read off the files. Each entry: (CLM01, CLM02, SV102 of each line in order).
"""

SAMPLE_CLAIMS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "badx12/X222-COB-claim-from-billing-provider-to-payer-a.edi": [
        ("26407789", "79.04", ("43", "15", "21.04")),
    ],
    "badx12/X222-COB-claim-from-billing-provider-to-payer-b.edi": [
        ("26407789", "79.04", ("43", "15", "21.04")),
    ],
    "badx12/X222-COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.edi": [
        ("26407789", "79.04", ("43", "15", "21.04")),
    ],
    "badx12/X222-ambulance.edi": [
        ("051068", "766.50", ("700", "8.20", "46", "12.30")),
    ],
    "badx12/X222-anesthesia.edi": [
        ("153829140", "827", ("827",)),
    ],
    "badx12/X222-chiropractic.edi": [
        ("125WILL", "145.5", ("145.5",)),
    ],
    "badx12/X222-commercial-health-insurance.edi": [
        ("26463774", "100", ("40", "15", "35", "10")),
    ],
    "badx12/X222-drug-administered-in-the-physician-office.edi": [
        ("CLMNO12345", "103.37", ("50", "53.37")),
    ],
    "badx12/X222-encounter.edi": [
        ("26462967", "100", ("40", "15", "35", "10")),
    ],
    "badx12/X222-home-infusion-therapy-pharmacy-_adjudicated-with-HCPCS-in-loop-2400-or-NDC-in-"
    "loop-2410_.edi": [
        ("CLMNO12345", "2232.93", ("1400.00", "682.50", "15.12", "67.69", "57.12", "10.50")),
    ],
    "badx12/X222-home-infusion-therapy-pharmacy-_adjudicated-with-NDC-in-loop-2410_.edi": [
        ("CLMNO12345", "2232.93", ("1400.00", "682.50", "15.12", "67.69", "57.12", "10.50")),
    ],
    "badx12/X222-medicare-secondary-payer-COB.edi": [
        ("101KEN6055", "120", ("120",)),
    ],
    "badx12/X222-out-of-network-repriced-claim.edi": [
        ("TS234H3", "252.71", ("252.71",)),
    ],
    "badx12/X222-oxygen.edi": [
        ("R03996273 #01", "520.24", ("461.1", "59.14")),
    ],
    "badx12/X222-ppo-repriced-claim.edi": [
        ("ABC123-RI", "28.75", ("25", "3.75")),
    ],
    "badx12/X222-wheelchair.edi": [
        ("SMI123", "75", ("75",)),
    ],
    "databricks/837p.txt": [
        ("1000A", "140", ("140",)),
        ("1001A", "140", ("140",)),
    ],
    "databricks/CC_837P_EDI.txt": [
        ("TD-R192ICE00094", "600", ("300", "300")),
    ],
    "databricks/CHPW_Claimdata.txt": [
        ("1805080AV3648339", "20", ("20",)),
        ("1805080AV3648347", "50.1", ("50.1",)),
        ("1805080AV3648340", "11.64", ("11.64",)),
        ("1805080AV3648353", "234", ("234",)),
        ("1805080AV3648355", "20", ("20",)),
    ],
    "databricks/Molina_Mock_UP_837P_File.txt": [
        ("ABC11111", "1800", ("1800",)),
        ("ABC111112", "984", ("984",)),
        ("ABC111113", "1353", ("1353",)),
        ("ABC111114", "1968", ("1230", "738")),
    ],
    "lfh/demo.ambulance.example5.837": [
        ("051068", "766.50", ("700.00", "8.20", "46.00", "12.30")),
    ],
    "lfh/demo.autoaccident.837": [
        ("900000032", "185.00", ("150.00", "35.00")),
    ],
    "lfh/demo.cob.2ndary.example4.837": [
        ("125WILL", "145.50", ("145.50",)),
    ],
    "lfh/demo.cob.example3.A.837": [
        ("26407789", "79.04", ("43.00", "15.00", "21.04")),
    ],
    "lfh/demo.cob.example3.B.837": [
        ("26407789", "79.04", ("43.00", "15.00", "21.04")),
    ],
    "lfh/demo.cob.example3.C.837": [
        ("26407789", "79.04", ("43.00", "15.00", "21.04")),
    ],
    "lfh/demo.cob.example4.837": [
        ("101KEN6055", "120.00", ("120.00",)),
    ],
    "lfh/demo.drug.example10.1.837": [
        ("CLMNO12345", "103.37", ("50.00", "53.37")),
    ],
    "lfh/demo.drug.example10.2.837": [
        ("CLMNO12345", "2232.93", ("1400.00", "682.50", "15.12", "67.69", "57.12", "10.50")),
    ],
    "lfh/demo.drug.example10.3.837": [
        ("CLMNO12345", "2232.93", ("1400.00", "682.50", "15.12", "67.69", "57.12", "10.50")),
    ],
    "lfh/demo.example1.837": [
        ("26463774", "100.00", ("40.00", "15.00", "35.00", "10.00")),
    ],
    "lfh/demo.example11.837": [
        ("ABC123-RI", "28.75", ("25.00", "3.75")),
    ],
    "lfh/demo.example12.837": [
        ("TS234H3", "252.71", ("252.71",)),
    ],
    "lfh/demo.example2.837": [
        ("26462967", "100.00", ("40.00", "15.00", "35.00", "10.00")),
    ],
    "lfh/demo.example6.837": [
        ("125WILL", "145.50", ("145.50",)),
    ],
    "lfh/demo.example7.837": [
        ("R03996273 #01", "520.24", ("461.10", "59.14")),
    ],
    "lfh/demo.example8.837": [
        ("SMI123", "75.00", ("75.00",)),
    ],
    "lfh/demo.example9.837": [
        ("153829140", "827.00", ("827.00",)),
    ],
}
